import { setImmediate as yieldTick } from 'node:timers/promises';
import { parseStepOutput } from '../reward/parse-step-output.js';
import { ScoringLimitError, withScoringDeadline } from '../reward/scoring-limits.js';
import { stepReward } from '../reward/step-reward.js';
import { ItemError } from './item-error.js';
import { abortError } from './run-task.js';
import type { ScoreItem, ScoreResult } from './types.js';
import { validateItems } from './validate.js';

/** Scores one item; no validation. @internal */
export function scoreOne(item: ScoreItem): ScoreResult {
  const reward = stepReward(item.output, item.target, item.options);
  const parsed = parseStepOutput(item.output, item.options?.parse);
  return parsed.ok ? { reward, ok: true } : { reward, ok: false, reason: parsed.reason };
}

/** Scores `items[index]`, under `deadline` (epoch ms) when given; an error becomes an {@link ItemError}. */
function scoreAt(items: readonly ScoreItem[], index: number, deadline: number | undefined): ScoreResult {
  try {
    const item = items[index] as ScoreItem;
    return deadline === undefined ? scoreOne(item) : withScoringDeadline(deadline, () => scoreOne(item));
  } catch (err) {
    throw new ItemError(index, err);
  }
}

/**
 * Scores every item on this thread, in order, each under `deadline` (epoch ms, checked
 * inside the matcher's loops) when given. An error names its item ({@link ItemError}).
 * @internal
 * @example
 * ```ts
 * scoreAll(items, Date.now() + 10_000); // same results as items.map(scoreOne)
 * ```
 */
export function scoreAll(items: readonly ScoreItem[], deadline?: number): ScoreResult[] {
  const out = new Array<ScoreResult>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = scoreAt(items, i, deadline);
  return out;
}

/**
 * The error `scoreItems` and `ScorePool.score` reject with for a failed item: the scorer's
 * error, of the same class when it is a `TypeError` or `RangeError` (a `ScoringLimitError`
 * is one), with `items[i]: ` in front of its message and the original as `cause`.
 * @internal
 */
export function itemFailure(fn: string, index: number, name: string, message: string, cause?: unknown, limit?: LimitFields): Error {
  const text = `${fn}: items[${index}]: ${message}`;
  if (cause instanceof ScoringLimitError) return new ScoringLimitError(text, cause.limit, cause.work, cause.max);
  if (name === 'ScoringLimitError' && limit?.limit !== undefined) return new ScoringLimitError(text, limit.limit, limit.work ?? 0, limit.max ?? 0);
  const E = name === 'TypeError' ? TypeError : name === 'RangeError' ? RangeError : Error;
  return new E(text, cause === undefined ? undefined : { cause });
}

/** A `ScoringLimitError`'s fields, as they cross a thread boundary. @internal */
export interface LimitFields {
  readonly limit?: 'maxWork' | 'deadline' | undefined;
  readonly work?: number | undefined;
  readonly max?: number | undefined;
}

/**
 * Scores `items` synchronously in this thread: the reference that the pool's
 * results equal (each reward is exactly `stepReward(output, target, options)`).
 *
 * @param items - Outputs with their expert steps and options.
 * @returns One result per item, in order.
 * @throws TypeError naming `items[i]...` when an item is malformed or its options are not
 * JSON-safe or not valid; a `ScoringLimitError` (a `RangeError`) naming `items[i]` when an
 * item needs more than its `maxWork`.
 * @example
 * ```ts
 * import { scoreItems } from 'srl-kit/pool';
 * scoreItems([{ output: '<think>t</think> x = 4', target: 'x = 5' }]);
 * //=> [{ reward: 0.8, ok: true }]
 * ```
 */
export function scoreItems(items: readonly ScoreItem[]): ScoreResult[] {
  validateItems(items, 'scoreItems');
  try {
    return scoreAll(items);
  } catch (err) {
    if (!(err instanceof ItemError)) throw err;
    const cause = err.cause instanceof Error ? err.cause : new Error(String(err.cause));
    throw itemFailure('scoreItems', err.index, cause.name, cause.message, cause);
  }
}

/** How {@link scoreItemsYielding} runs. @internal */
export interface YieldingOptions {
  /** Stops (between items) when it aborts. */
  readonly signal?: AbortSignal | undefined;
  /** Epoch ms after which an item's scoring throws `ScoringLimitError` from inside the matcher. */
  readonly deadline?: number | undefined;
  /** Longest stretch of scoring between two yields to the event loop, in ms (default 10). */
  readonly sliceMs?: number | undefined;
}

/**
 * Scores `items` on this thread, yielding to the event loop whenever `sliceMs` of scoring
 * have passed (so that timers, I/O, `/health` and other requests run), stopping when
 * `signal` aborts; each item runs under `deadline`. An error names its item ({@link ItemError}).
 * @internal
 * @example
 * ```ts
 * await scoreItemsYielding(items, { signal: controller.signal }); // same results as items.map(scoreOne)
 * ```
 */
export async function scoreItemsYielding(items: readonly ScoreItem[], options: YieldingOptions = {}): Promise<ScoreResult[]> {
  const { signal, deadline, sliceMs = 10 } = options;
  const out = new Array<ScoreResult>(items.length);
  let sliceStart = performance.now();
  for (let i = 0; i < items.length; i++) {
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldTick();
      sliceStart = performance.now();
    }
    if (signal?.aborted) throw abortError(signal);
    out[i] = scoreAt(items, i, deadline);
  }
  return out;
}
