import { setImmediate as yieldTick } from 'node:timers/promises';
import { parseStepOutput, ScoringLimitError, stepReward, withScoringDeadline } from '../reward/index.js';
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

/** A scorer's error as it crosses a thread boundary: its class name, message and, for a `ScoringLimitError`, its fields. @internal */
export interface ErrorFields {
  readonly name: string;
  readonly message: string;
  readonly limit?: 'maxWork' | 'deadline' | undefined;
  readonly work?: number | undefined;
  readonly max?: number | undefined;
}

/** The scorer's error again from its {@link ErrorFields}: a `ScoringLimitError`, `TypeError`, `RangeError` or `Error`. @internal */
export function restoreError(e: ErrorFields): Error {
  if (e.name === 'ScoringLimitError' && e.limit !== undefined) return new ScoringLimitError(e.message, e.limit, e.work ?? 0, e.max ?? 0);
  const E = e.name === 'TypeError' ? TypeError : e.name === 'RangeError' ? RangeError : Error;
  return new E(e.message);
}

/**
 * The error `scoreItems` and `ScorePool.score` reject with for a failed item: the scorer's
 * error `cause`, of the same class (a `ScoringLimitError` keeps its fields), with
 * `fn: items[i]: ` in front of its message, `cause` the original, and `item` the index.
 * @internal
 */
export function itemFailure(fn: string, index: number, cause: unknown): Error & { readonly item: number } {
  const original = cause instanceof Error ? cause : new Error(String(cause));
  const text = `${fn}: items[${index}]: ${original.message}`;
  const error =
    original instanceof ScoringLimitError
      ? new ScoringLimitError(text, original.limit, original.work, original.max)
      : new (original instanceof TypeError ? TypeError : original instanceof RangeError ? RangeError : Error)(text);
  return Object.assign(error, { cause: original, item: index });
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
    throw err instanceof ItemError ? itemFailure('scoreItems', err.index, err.cause) : err;
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
