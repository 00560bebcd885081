import { describeType } from '../_lib/describe.js';
import type { Sequence } from './types.js';

/**
 * Thrown when one comparison needs more work than its budget (the `maxWork` option of
 * the step reward) or runs past the scoring deadline that a caller (the reward server,
 * the score pool) set around it. A `RangeError`, so code that already treats bad
 * ranges as the caller's fault keeps working; `name` is `'ScoringLimitError'`.
 *
 * Work is counted in deterministic units, not time (docs/reward.md, "Cost"): for the
 * difflib metric one unit per (row of the action, position of the expert step) pair
 * visited by the longest-match searches, for the lcs metric one unit per (row, 4
 * words of 32 bits) of the bit-vector LCS. The same input always needs the same units, so
 * a `maxWork` error is reproducible, and scoring never stops half-way for this reason
 * on one machine and not on another.
 *
 * @example
 * ```ts
 * import { ScoringLimitError, stepReward } from 'srl-kit';
 * const long = 'ab'.repeat(20_000);
 * try {
 *   stepReward(`<think>t</think>${long}x`, long, { autojunk: false, maxWork: 1_000_000 });
 * } catch (err) {
 *   err instanceof ScoringLimitError; //=> true
 *   (err as ScoringLimitError).limit; //=> 'maxWork'
 * }
 * ```
 */
export class ScoringLimitError extends RangeError {
  /** Always `'ScoringLimitError'`. */
  override readonly name = 'ScoringLimitError';
  /** Which limit was hit: the work budget or the deadline. */
  readonly limit: 'maxWork' | 'deadline';
  /**
   * The work units the comparison had counted when it stopped (more than `max` for
   * `'maxWork'`; for the lcs metric, whose cost is known before it starts, the units
   * it would have needed, and none of them spent).
   */
  readonly work: number;
  /** The limit: the `maxWork` in work units, or the deadline in epoch milliseconds. */
  readonly max: number;

  /**
   * Makes the error (the library throws it; code of yours rarely needs to).
   * @param message - The full message (it names the function, the sizes and what to raise).
   * @param limit - Which limit was hit.
   * @param work - The work units counted when it stopped.
   * @param max - The `maxWork`, or the deadline (epoch ms).
   */
  constructor(message: string, limit: 'maxWork' | 'deadline', work: number, max: number) {
    super(message);
    this.limit = limit;
    this.work = work;
    this.max = max;
  }
}

/**
 * How often, in work units, the loops look at the clock while a deadline is set: about
 * every 1 to 4 ms of work (a unit costs 3 to 15 ns, docs/benchmarks.md), so the check costs nothing.
 */
const DEADLINE_STRIDE = 1 << 18;

/**
 * The work meter that the matcher and LCS loops advance. The loops copy both fields
 * into locals, add their units per row (never per inner iteration), and call
 * {@link checkLimits} when `work > checkAt`; that is the only cost of counting.
 * `work` is a running count: a comparison's own count is `work - start` (below).
 * @internal
 */
export const meter = {
  /** Units counted (since the last reset). */
  work: 0,
  /** The loops call {@link checkLimits} once `work` passes this. */
  checkAt: Infinity,
};

/** `meter.work` beyond which the current comparison is over its budget (`start + maxWork`). */
let maxAt = Infinity;
/** The current comparison's `maxWork`. */
let budget = Infinity;
/** `meter.work` when the current comparison began. */
let start = 0;
/** The deadline in force (epoch ms), or Infinity. */
let deadline = Infinity;
/** `meter.work` at which the loops look at the clock next. */
let clockAt = Infinity;

/** What is being compared, for messages: set by the outermost comparison. */
let active = false;
let cmpFn = '';
let cmpA: Sequence = '';
let cmpB: Sequence = '';
let cmpUnit = '';

function rearm(): void {
  meter.checkAt = maxAt < clockAt ? maxAt : clockAt;
}

/**
 * Starts a comparison: from here, `maxWork` units are allowed (Infinity: unlimited).
 * Returns `false`, and changes nothing, when a comparison is already running (the
 * outermost one keeps its budget and its name); pass the result to
 * {@link endComparison}. `unit` names the elements (`'words'`); empty: code points
 * for strings, tokens for arrays.
 * @internal
 */
export function beginComparison(fn: string, a: Sequence, b: Sequence, unit: string, maxWork: number): boolean {
  if (active) return false;
  active = true;
  cmpFn = fn;
  cmpA = a;
  cmpB = b;
  cmpUnit = unit;
  // Outside any deadline the count restarts with each comparison, so it stays small.
  if (deadline === Infinity) meter.work = 0;
  start = meter.work;
  budget = maxWork;
  maxAt = maxWork === Infinity ? Infinity : start + maxWork;
  rearm();
  return true;
}

/**
 * Ends the comparison that {@link beginComparison} started when it returned `true`.
 * @internal
 */
export function endComparison(owned: boolean): void {
  if (!owned) return;
  active = false;
  cmpA = '';
  cmpB = '';
  budget = Infinity;
  maxAt = Infinity;
  rearm();
}

function sizeOf(seq: Sequence): number {
  if (typeof seq !== 'string') return seq.length;
  let n = 0;
  for (let i = 0; i < seq.length; i++) {
    const c = seq.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < seq.length) {
      const d = seq.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function describeComparison(): string {
  if (!active) return 'scoring: a comparison';
  const unit = cmpUnit !== '' ? cmpUnit : typeof cmpA === 'string' && typeof cmpB === 'string' ? 'code points' : 'elements';
  return `${cmpFn}: comparing ${sizeOf(cmpA)} x ${sizeOf(cmpB)} ${unit}`;
}

function overBudget(work: number, exact: boolean): ScoringLimitError {
  const needs = exact ? `needs ${work} work units, more than maxWork (${budget})` : `needs more than maxWork (${budget}) work units`;
  return new ScoringLimitError(`${describeComparison()} ${needs}; raise maxWork, or cap maxLength`, 'maxWork', work, budget);
}

function pastDeadline(work: number): ScoringLimitError {
  const when = new Date(deadline).toISOString();
  return new ScoringLimitError(
    `${describeComparison()} ran past the scoring deadline (${when}, epoch ms ${deadline}) after ${work} work units; allow more time, or lower maxWork or maxLength`,
    'deadline',
    work,
    deadline,
  );
}

/**
 * Called by the loops once `meter.work > meter.checkAt`: throws a
 * {@link ScoringLimitError} when the comparison is over its budget or the deadline has
 * passed, else sets the next check.
 * @internal
 */
export function checkLimits(): void {
  const work = meter.work;
  if (work > maxAt) throw overBudget(work - start, false);
  if (work > clockAt) {
    if (Date.now() > deadline) throw pastDeadline(work - start);
    clockAt = work + DEADLINE_STRIDE;
  }
  rearm();
}

/** The most units a loop counts in an int32 before it settles with the meter. */
const MAX_ALLOWANCE = 1 << 30;

/**
 * The units a loop may count before it must call {@link settleWork}: an int32 allowance,
 * so the hot loops count with one integer subtraction and one sign test per row.
 * @internal
 */
export function unitsLeft(): number {
  const left = meter.checkAt - meter.work;
  return left < MAX_ALLOWANCE ? left | 0 : MAX_ALLOWANCE;
}

/**
 * Adds `spent` units to the meter (when a loop's allowance ran out), checks the limits
 * ({@link checkLimits}, which may throw), and returns the next allowance.
 * @internal
 */
export function settleWork(spent: number): number {
  meter.work += spent;
  if (meter.work > meter.checkAt) checkLimits();
  return unitsLeft();
}

/**
 * For work whose cost is known before it starts (the bit-vector LCS): throws the
 * `maxWork` error at once, spending nothing, when `units` more would go over budget.
 * @internal
 */
export function assertAffordable(units: number): void {
  if (meter.work + units > maxAt) throw overBudget(meter.work - start + units, true);
}

/**
 * Runs `fn` with an absolute deadline (the `Date.now()` clock, epoch ms) that the
 * matcher and LCS loops check about every 2^18 work units (a fraction of a
 * millisecond, so the check costs nothing); once past it they throw a
 * {@link ScoringLimitError} with `limit: 'deadline'`. It also throws at once if the
 * deadline has already passed when it is called. A comparison cheaper than the check
 * interval finishes even past the deadline. Nested calls keep the earlier deadline;
 * the previous one is restored on return or throw. Scoring is synchronous, so the state
 * is per thread (worker threads each have their own).
 *
 * @param deadline - Epoch milliseconds (`Date.now() + ms`); `Infinity` for none.
 * @param fn - The scoring to run.
 * @returns What `fn` returns.
 * @throws TypeError when `deadline` is not a number (or is NaN) or `fn` is not a function.
 * @throws ScoringLimitError when the deadline passes during `fn`'s matching, or has already passed.
 * @example
 * ```ts
 * import { stepRewards, withScoringDeadline } from 'srl-kit/reward';
 * const rewards = withScoringDeadline(Date.now() + 2_000, () => stepRewards(outputs, expert));
 * ```
 */
export function withScoringDeadline<T>(deadline: number, fn: () => T): T {
  if (typeof deadline !== 'number' || Number.isNaN(deadline)) {
    throw new TypeError(`withScoringDeadline: argument 'deadline' must be a number of epoch milliseconds or Infinity, got ${describeType(deadline)}`);
  }
  if (typeof fn !== 'function') {
    throw new TypeError(`withScoringDeadline: argument 'fn' must be a function, got ${describeType(fn)}`);
  }
  return runWithDeadline(deadline, fn);
}

function runWithDeadline<T>(at: number, fn: () => T): T {
  const prevDeadline = deadline;
  const prevClockAt = clockAt;
  const effective = at < prevDeadline ? at : prevDeadline;
  if (effective !== Infinity && Date.now() > effective) {
    throw new ScoringLimitError(
      `withScoringDeadline: the scoring deadline (${new Date(effective).toISOString()}, epoch ms ${effective}) had passed before scoring started`,
      'deadline',
      0,
      effective,
    );
  }
  deadline = effective;
  if (effective !== Infinity && clockAt === Infinity) clockAt = meter.work + DEADLINE_STRIDE;
  rearm();
  try {
    return fn();
  } finally {
    deadline = prevDeadline;
    clockAt = prevDeadline === Infinity ? Infinity : prevClockAt < meter.work ? meter.work : prevClockAt;
    rearm();
  }
}
