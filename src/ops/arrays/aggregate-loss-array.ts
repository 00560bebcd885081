import { describeType } from '../../_lib/describe.js';
import type { LossAggregation, LossNormalizer, MaskArray, NumberArray } from '../types.js';
import { at, checkArray, checkShape2, nonFinite, readMask, shapeText } from './_check.js';
import { resolveNormalizer } from './resolve-policy-loss-options.js';

const MODES: readonly LossAggregation[] = ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum', 'seq-mean-token-sum-norm'];

/**
 * Aggregates checked per-token values (`values` is 0 wherever `mask` is 0): the shared core
 * of {@link aggregateLossArray} and the policy losses. Sums in float64. @internal
 */
export function aggregateChecked(
  values: Float64Array,
  mask: Uint8Array,
  rows: number,
  cols: number,
  mode: LossAggregation,
  normalizer: LossNormalizer,
): number {
  let tokens = 0;
  let nonEmpty = 0;
  let total = 0;
  let seqMeans = 0;
  for (let i = 0; i < rows; i++) {
    let n = 0;
    let sum = 0;
    for (let k = i * cols, end = k + cols; k < end; k++) {
      if (mask[k] === 1) {
        n++;
        sum += values[k] as number;
      }
    }
    if (n > 0) {
      tokens += n;
      nonEmpty++;
      total += sum;
      seqMeans += sum / n;
    }
  }
  const sequences = normalizer.sequences ?? nonEmpty;
  switch (mode) {
    case 'token-mean': {
      const d = normalizer.tokens ?? tokens;
      return d > 0 ? total / d : 0;
    }
    case 'seq-mean-token-mean':
      return sequences > 0 ? seqMeans / sequences : 0;
    case 'seq-mean-token-sum':
      return sequences > 0 ? total / sequences : 0;
    case 'seq-mean-token-sum-norm': {
      const k = normalizer.constant ?? cols;
      return sequences > 0 && k > 0 ? total / (sequences * k) : 0;
    }
  }
}

/**
 * Checks an aggregation mode. @internal
 */
export function checkMode(mode: unknown, fn: string): LossAggregation {
  if (typeof mode === 'string' && (MODES as readonly string[]).includes(mode)) return mode as LossAggregation;
  const got = typeof mode === 'string' ? JSON.stringify(mode) : describeType(mode);
  throw new TypeError(`${fn}: argument 'mode' must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${got}`);
}

/**
 * Turns per-token losses `[B, T]` into one number, as verl's `agg_loss` (see
 * `LossAggregation` for the four formulas). Rows without a valid token are left out of the
 * sequence count; `normalizer` replaces the micro-batch's token count, sequence count and
 * length constant by global ones (data parallelism, gradient accumulation). Positions where
 * `mask` is 0 are ignored, whatever they hold; a NaN or infinite value where it is 1 throws,
 * and so does a sum that overflows. Sums are accumulated in float64. A `normalizer` key it
 * does not know throws, naming the nearest valid one.
 *
 * @param perToken - Per-token values, flat `[B, T]`, row-major.
 * @param mask - 0/1, flat `[B, T]`.
 * @param shape - `[B, T]`.
 * @param mode - The aggregation.
 * @param normalizer - Optional global denominators.
 * @returns The aggregated value; 0 (never NaN) when there is nothing to divide by.
 * @throws TypeError when an argument has the wrong type, `mode` is unknown or `normalizer`
 *   has an unknown key.
 * @throws RangeError when a length does not match `shape`, a mask value is not 0/1, a value at
 *   a valid position is NaN or infinite, a normalizer field is not a finite number > 0, or the
 *   result overflows.
 * @example
 * ```ts
 * import { aggregateLossArray } from 'srl-kit/ops';
 * const loss = [1, 2, 3, 4, 0, 0];
 * const mask = [1, 1, 1, 1, 0, 0];
 * aggregateLossArray(loss, mask, [2, 3], 'token-mean');          //=> 2.5
 * aggregateLossArray(loss, mask, [2, 3], 'seq-mean-token-mean'); //=> 3
 * aggregateLossArray(loss, mask, [2, 3], 'seq-mean-token-sum');  //=> 5
 * aggregateLossArray(loss, mask, [2, 3], 'token-mean', { tokens: 10 }); //=> 1
 * ```
 */
export function aggregateLossArray(
  perToken: NumberArray,
  mask: MaskArray,
  shape: readonly [number, number],
  mode: LossAggregation,
  normalizer?: LossNormalizer,
): number {
  const fn = 'aggregateLossArray';
  const [rows, cols] = checkShape2(shape, fn, ['B', 'T']);
  const expected = `shape ${shapeText([rows, cols])}`;
  checkArray(perToken, rows * cols, fn, 'perToken', expected);
  const m = readMask(mask, rows, cols, fn, 'mask', expected);
  const checkedMode = checkMode(mode, fn);
  const norm = resolveNormalizer(normalizer, fn);
  const values = new Float64Array(rows * cols);
  for (let k = 0; k < values.length; k++) {
    if (m[k] !== 1) continue;
    const v = perToken[k] as number;
    if (!Number.isFinite(v)) nonFinite(fn, at('perToken', k, cols), v);
    values[k] = v;
  }
  const result = aggregateChecked(values, m, rows, cols, checkedMode, norm);
  if (!Number.isFinite(result)) {
    throw new RangeError(`${fn}: the result overflowed to ${String(result)} (float64); check the scale of 'perToken'`);
  }
  return result;
}
