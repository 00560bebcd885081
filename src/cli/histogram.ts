/** Summary statistics of a list of numbers. */
export interface Stats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly median: number;
  readonly p95: number;
}

/**
 * Count, min, max, mean, median and 95th percentile (nearest rank) of `values`.
 * @param values - The numbers (not changed).
 * @returns The statistics; all zero for an empty list.
 * @example
 * ```ts
 * stats([3, 1, 2, 4]); //=> { count: 4, min: 1, max: 4, mean: 2.5, median: 2, p95: 4 }
 * ```
 */
export function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { count: 0, min: 0, max: 0, mean: 0, median: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  const sum = sorted.reduce((s, v) => s + v, 0);
  return { count: sorted.length, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, mean: sum / sorted.length, median: rank(0.5), p95: rank(0.95) };
}

/**
 * An ASCII histogram of `values`: a stats line, then one line per bin,
 * `[lo, hi) count ####`, bars scaled to `width` characters.
 *
 * @param title - The first line's label.
 * @param values - The numbers.
 * @param bins - The number of bins (default 10; fewer when the values span fewer integers).
 * @param width - The longest bar (default 40).
 * @returns The lines, joined with newlines, without a trailing one.
 * @example
 * ```ts
 * histogram('len', [1, 1, 1, 2, 3], 3, 6);
 * //=> 'len: n=5 min=1 median=1 mean=1.6 p95=3 max=3\n  1-1 | 3 ######\n  2-2 | 1 ##\n  3-3 | 1 ##'
 * ```
 */
export function histogram(title: string, values: readonly number[], bins = 10, width = 40): string {
  const s = stats(values);
  const head = `${title}: n=${s.count} min=${s.min} median=${s.median} mean=${s.mean.toFixed(1)} p95=${s.p95} max=${s.max}`;
  if (s.count === 0) return head;
  const span = s.max - s.min;
  const size = span === 0 ? 1 : Math.ceil((span + 1) / Math.max(1, Math.min(bins, Math.floor(span) + 1)));
  // As many bins as cover [min, max]: rounding the size up can leave the last ones empty.
  const n = Math.max(1, Math.ceil((span + 1) / size));
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - s.min) / size))]!++;
  const most = Math.max(...counts);
  const labels = counts.map((_, i) => `${s.min + i * size}-${s.min + (i + 1) * size - 1}`);
  const pad = Math.max(...labels.map((l) => l.length));
  const cpad = String(most).length;
  const lines = counts.map((c, i) => {
    const bar = c === 0 ? '' : '#'.repeat(Math.max(1, Math.round((c / most) * width)));
    return `  ${labels[i]!.padStart(pad)} | ${String(c).padStart(cpad)} ${bar}`.trimEnd();
  });
  return [head, ...lines].join('\n');
}
