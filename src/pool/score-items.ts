import { parseStepOutput } from '../reward/parse-step-output.js';
import { stepReward } from '../reward/step-reward.js';
import type { ScoreItem, ScoreResult } from './types.js';
import { validateItems } from './validate.js';

/** Scores one item; no validation. @internal */
export function scoreOne(item: ScoreItem): ScoreResult {
  const reward = stepReward(item.output, item.target, item.options);
  const parsed = parseStepOutput(item.output, item.options?.parse);
  return parsed.ok ? { reward, ok: true } : { reward, ok: false, reason: parsed.reason };
}

/**
 * Scores `items` synchronously in this thread: the reference that the pool's
 * results equal (each reward is exactly `stepReward(output, target, options)`).
 *
 * @param items - Outputs with their expert steps and options.
 * @returns One result per item, in order.
 * @throws TypeError naming `items[i]...` when an item is malformed or its options are not JSON-safe.
 * @example
 * ```ts
 * import { scoreItems } from 'srl-kit/pool';
 * scoreItems([{ output: '<think>t</think> x = 4', target: 'x = 5' }]);
 * //=> [{ reward: 0.8, ok: true }]
 * ```
 */
export function scoreItems(items: readonly ScoreItem[]): ScoreResult[] {
  validateItems(items, 'scoreItems');
  return items.map(scoreOne);
}
