import type { StepRewardOptions } from '../reward/index.js';
import {
  parseRewardRequest,
  parseScoreRequest,
  type JsonStepRewardOptions,
  type ParsedItem,
  type ParseLimits,
  type ScoringCeilings,
} from './parse-requests.js';

/** The scoring routes. @internal */
export type ScoreRoute = '/reward' | '/score';

/**
 * The items of a parsed request body on `route`, each with its options: the server's
 * defaults, under the item's own (held to the `ceilings`), plus the operator's work
 * budget `maxWork` when it is finite.
 * @internal
 * @example
 * ```ts
 * requestItems('/score', { items: [{ output: 'o', target: 't' }] }, limits, { metric: 'lcs' }, { maxWork: 1e8 });
 * //=> [{ output: 'o', target: 't', options: { metric: 'lcs', maxWork: 100000000 } }]
 * ```
 */
export function requestItems(
  route: ScoreRoute,
  json: unknown,
  limits: ParseLimits,
  scoring: JsonStepRewardOptions,
  ceilings: ScoringCeilings,
): ParsedItem[] {
  const items = route === '/reward' ? parseRewardRequest(json, limits) : parseScoreRequest(json, limits, ceilings);
  const budget: StepRewardOptions = Number.isFinite(ceilings.maxWork) ? { maxWork: ceilings.maxWork } : {};
  // One shared options object for the items that bring none (most of them).
  const defaults: StepRewardOptions = { ...scoring, ...budget };
  if (Object.keys(defaults).length === 0) return items;
  return items.map((item) => ({
    output: item.output,
    target: item.target,
    options: item.options === undefined ? defaults : { ...scoring, ...item.options, ...budget },
  }));
}
