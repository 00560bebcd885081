/**
 * Exact float64 sums and the moments built on them, shared by the advantage module.
 *
 * Sums are correctly rounded (Shewchuk's algorithm, the one behind Python's
 * `math.fsum`), so a mean or a variance does not depend on the order of the
 * rewards: permuting rollouts permutes advantages bit for bit, and the Python
 * fixture generator (which uses `math.fsum`) gets the same doubles.
 * @internal
 */

/**
 * A running, correctly rounded sum of doubles (Python's `math.fsum`, incrementally).
 * @internal
 */
export class ExactSum {
  private readonly partials: number[] = [];
  private overflow = false;

  /** Adds one double; a non-finite value or an overflowing partial sum makes {@link ExactSum.value} NaN. */
  add(value: number): void {
    if (this.overflow) return;
    if (!Number.isFinite(value)) {
      this.overflow = true;
      return;
    }
    const partials = this.partials;
    let x = value;
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j] as number;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      if (!Number.isFinite(hi)) {
        this.overflow = true;
        return;
      }
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }

  /** The correctly rounded value of the sum so far (0 for an empty sum; NaN after an overflow). */
  value(): number {
    if (this.overflow) return Number.NaN;
    const partials = this.partials;
    let n = partials.length;
    if (n === 0) return 0;
    let hi = partials[--n] as number;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = partials[--n] as number;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    // Round half-even correctly when the rest of the partials point the same way as lo.
    if (n > 0 && ((lo < 0 && (partials[n - 1] as number) < 0) || (lo > 0 && (partials[n - 1] as number) > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
    return hi;
  }
}

/** Mean and variances of a set of doubles; the variances are 0 when undefined. @internal */
export interface Moments {
  readonly count: number;
  readonly mean: number;
  /** Sum of squared deviations from the mean (correctly rounded). */
  readonly sumSq: number;
  /** True when every value is the same double (then mean is that value and sumSq is 0, exactly). */
  readonly allEqual: boolean;
}

/**
 * Count, mean and sum of squared deviations of `values` weighted by `weights`
 * (a weight is a repeat count, e.g. a number of tokens; all 1 when omitted).
 * When all values are equal the mean is that value exactly and the spread is 0,
 * rather than the 1e-17 noise a rounded mean would leave (and an `eps` would then
 * blow up into a visible advantage).
 * @internal
 */
export function moments(values: readonly number[], weights: readonly number[] | undefined, fn: string): Moments {
  const n = values.length;
  let count = 0;
  let first = Number.NaN;
  let allEqual = true;
  const total = new ExactSum();
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    if (w === 0) continue;
    const v = values[i] as number;
    if (count === 0) first = v;
    else if (v !== first) allEqual = false;
    total.add(w * v);
    count += w;
  }
  if (count === 0) return { count: 0, mean: 0, sumSq: 0, allEqual: true };
  // `+ 0` turns -0 into 0, so the mean of [-0, 0] does not depend on the order.
  if (allEqual) return { count, mean: first + 0, sumSq: 0, allEqual };
  const mean = total.value() / count;
  if (!Number.isFinite(mean)) throw overflow(fn);
  const sq = new ExactSum();
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    const d = (values[i] as number) - mean;
    sq.add(w * (d * d));
  }
  const sumSq = sq.value();
  if (!Number.isFinite(sumSq)) throw overflow(fn);
  return { count, mean, sumSq, allEqual };
}

function overflow(fn: string): RangeError {
  return new RangeError(
    `${fn}: the rewards are too large for float64 statistics (a sum or a squared deviation overflows); rescale them`,
  );
}

/**
 * Standard deviation from {@link Moments}: `'population'` divides by n, `'sample'`
 * by n - 1 (Bessel, as `torch.std`). Fewer values than the divisor needs (n < 1,
 * or n < 2 for 'sample') give 0, as TRL does for a group of one.
 * @internal
 */
export function stdOf(m: Moments, convention: 'sample' | 'population'): number {
  const divisor = convention === 'sample' ? m.count - 1 : m.count;
  if (divisor <= 0 || m.sumSq === 0) return 0;
  return Math.sqrt(m.sumSq / divisor);
}
