import { parseRewardRequest, parseScoreRequest, type JsonStepRewardOptions, type ParsedItem, type ParseLimits } from './parse-requests.js';

/** The scoring routes. @internal */
export type ScoreRoute = '/reward' | '/score';

/**
 * The items of a parsed request body on `route`, each with the server's default
 * options under its own.
 * @internal
 * @example
 * ```ts
 * requestItems('/score', { items: [{ output: 'o', target: 't' }] }, limits, { metric: 'lcs' });
 * //=> [{ output: 'o', target: 't', options: { metric: 'lcs' } }]
 * ```
 */
export function requestItems(route: ScoreRoute, json: unknown, limits: ParseLimits, scoring: JsonStepRewardOptions): ParsedItem[] {
  const items = route === '/reward' ? parseRewardRequest(json, limits) : parseScoreRequest(json, limits);
  if (Object.keys(scoring).length === 0) return items;
  return items.map((item) => ({ output: item.output, target: item.target, options: { ...scoring, ...item.options } }));
}
