import { setImmediate as yieldTick } from 'node:timers/promises';
import { parseStepOutput } from '../reward/parse-step-output.js';
import { stepReward } from '../reward/step-reward.js';
import { abortError } from './run-task.js';
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

/**
 * Scores `items` on this thread `chunkSize` at a time, yielding to the event loop between
 * chunks (so that timers, I/O and other requests run) and stopping when `signal` aborts.
 * @internal
 * @example
 * ```ts
 * await scoreItemsYielding(items, 64, controller.signal); // same results as items.map(scoreOne)
 * ```
 */
export async function scoreItemsYielding(items: readonly ScoreItem[], chunkSize: number, signal?: AbortSignal): Promise<ScoreResult[]> {
  const out = new Array<ScoreResult>(items.length);
  for (let start = 0; start < items.length; start += chunkSize) {
    if (start > 0) await yieldTick();
    if (signal?.aborted) throw abortError(signal);
    const end = Math.min(items.length, start + chunkSize);
    for (let i = start; i < end; i++) out[i] = scoreOne(items[i]!);
  }
  return out;
}
