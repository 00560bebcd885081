import * as tf from '@tensorflow/tfjs-core';
import { unaryCustomGrad } from './_custom-grad.js';
import { assertOptions } from '../../_lib/assert.js';
import { assertKnownKeys } from '../../_lib/options.js';
import { checkMode } from '../arrays/aggregate-loss-array.js';
import { resolveNormalizer } from '../arrays/resolve-policy-loss-options.js';
import type { LossAggregation, LossNormalizer } from '../types.js';
import { assertFloat, assertShape, assertTensor, maskToFloat, shapeText, tapeIsRecording } from './_check.js';
import { rowWeightsTensor } from './_composed-policy-loss.js';
import { accurateSum } from './_sum.js';
import { hostValues, nonFiniteFlags, readCounts, resolveValidate, valuesOf } from './_validate.js';

/** Options of {@link aggregateLoss}. */
export interface AggregateLossOptions {
  /**
   * Check the values (default true; false on webgpu): a mask value other than 0/1, a NaN / ±Infinity value of
   * `perToken` where the mask is 1, or a result that overflows float32 throws a RangeError
   * naming the position, as `aggregateLossArray` does. On cpu and wasm the check is one pass
   * over host memory; on other backends one reduction and one read back (a GPU sync).
   * `false` skips it: a bad value then makes the result NaN or ±Infinity. On webgpu the
   * default is `false` (a synchronous read per call would stall the GPU queue, and tfjs
   * cannot do it in Node); `true` is honoured where the backend can read synchronously.
   */
  readonly validate?: boolean | undefined;
}

const AGGREGATE_OPTION_KEYS = ['validate'];

/** Throws for the first mask value other than 0/1 or non-finite valid value, in flat order. */
function throwFirstBad(fn: string, T: number, values: ArrayLike<number>, m: ArrayLike<number>): void {
  const where = (k: number): string => `[${Math.floor(k / T)}, ${k % T}] (flat index ${k})`;
  for (let k = 0; k < m.length; k++) {
    const mk = m[k] as number;
    if (mk === 0) continue;
    if (mk !== 1) throw new RangeError(`${fn}: mask${where(k)} is ${String(mk)}, expected 0 or 1`);
    const v = values[k] as number;
    if (v - v !== 0) throw new RangeError(`${fn}: perToken${where(k)} is ${String(v)}; values at valid (mask 1) positions must be finite`);
  }
}

/** The inputs' check before computing, where the values are in host memory. */
function checkOnHost(fn: string, perToken: tf.Tensor2D, mask: tf.Tensor2D): boolean {
  const values = hostValues(perToken);
  const m = hostValues(mask);
  if (values === null || m === null) return false;
  throwFirstBad(fn, perToken.shape[1], values, m);
  return true;
}

/** The result's check (and on a GPU the inputs' too: one reduction, one read). */
function checkResult(fn: string, perToken: tf.Tensor2D, mask: tf.Tensor2D, result: tf.Scalar, inputsChecked: boolean): void {
  let value = hostValues(result)?.[0];
  if (value === undefined) {
    const counts = readCounts(() => [
      tf.sum(tf.cast(tf.logicalAnd(tf.notEqual(mask, 0), tf.logicalOr(tf.notEqual(mask, 1), tf.logicalNot(tf.isFinite(perToken)))), 'float32')),
      nonFiniteFlags(result),
    ]);
    if (counts[0] !== 0 && !inputsChecked) throwFirstBad(fn, perToken.shape[1], valuesOf(perToken), valuesOf(mask));
    if (counts[1] === 0) return;
    value = result.dataSync()[0] as number;
  }
  if (value - value !== 0) {
    throw new RangeError(`${fn}: the result overflowed to ${String(value)} (float32); check the scale of 'perToken'`);
  }
}

/**
 * Turns per-token values `[B, T]` (a loss, a KL estimate, an entropy) into one Scalar, as
 * verl's `agg_loss`: `'token-mean'`, `'seq-mean-token-mean'`, `'seq-mean-token-sum'` or
 * `'seq-mean-token-sum-norm'` (formulas: `LossAggregation`), where rows without a valid token
 * do not count as sequences and `normalizer` replaces the micro-batch's counts by global ones
 * (data parallelism, gradient accumulation). Positions where the mask is 0 are ignored,
 * whatever they hold (NaN included); where it is 1 a value must be finite, and the result
 * must fit float32 (see {@link AggregateLossOptions.validate}). Differentiable w.r.t.
 * `perToken` (the gradient is the mask times each row's weight). Sums in chunks of 1024, so
 * 8M tokens stay within 1e-5 of the float64 result. Nothing to divide by gives 0, never NaN.
 * Unknown keys in `normalizer` or `options` throw, naming the nearest valid one. The
 * plain-array twin is `aggregateLossArray`.
 *
 * @param perToken - float32 `[B, T]`.
 * @param mask - `[B, T]` of 0 and 1 (float32, int32 or bool).
 * @param mode - The aggregation.
 * @param normalizer - Optional global denominators (`LossNormalizer`).
 * @param options - See {@link AggregateLossOptions}.
 * @returns A float32 Scalar.
 * @throws TypeError when an argument has the wrong type, `mode` or an option key is unknown,
 *   or (webgpu in Node) the check cannot read back.
 * @throws RangeError when the shapes differ (both are named), a normalizer field is not a
 *   finite number > 0, or (see `validate`) an input holds a bad value or the result overflows.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { aggregateLoss } from 'srl-kit/ops';
 * const loss = tf.tensor2d([[1, 2, 3], [4, 0, 0]]);
 * const mask = tf.tensor2d([[1, 1, 1], [1, 0, 0]]);
 * aggregateLoss(loss, mask, 'token-mean').print();          // 2.5
 * aggregateLoss(loss, mask, 'seq-mean-token-mean').print(); // 3
 * aggregateLoss(loss, mask, 'token-mean', { tokens: 10 }).print(); // 1
 * aggregateLoss(loss, mask, 'token-mean', { token: 10 });
 * // TypeError: aggregateLoss: unknown option 'token' in 'normalizer' (did you mean 'tokens'?); ...
 * ```
 */
export function aggregateLoss(
  perToken: tf.Tensor,
  mask: tf.Tensor,
  mode: LossAggregation,
  normalizer?: LossNormalizer,
  options?: AggregateLossOptions,
): tf.Scalar {
  const fn = 'aggregateLoss';
  assertTensor(perToken, fn, 'perToken');
  assertFloat(perToken, fn, 'perToken');
  if (perToken.rank !== 2) throw new RangeError(`${fn}: argument 'perToken' must be [B, T], got shape ${shapeText(perToken.shape)}`);
  const [B, T] = perToken.shape as [number, number];
  assertTensor(mask, fn, 'mask');
  assertShape(mask, [B, T], fn, 'mask', `perToken of shape ${shapeText(perToken.shape)}`);
  const checkedMode = checkMode(mode, fn);
  const norm = resolveNormalizer(normalizer, fn);
  assertOptions(options, fn);
  assertKnownKeys(options, AGGREGATE_OPTION_KEYS, fn);
  const validate = resolveValidate(options?.validate, fn);
  return tf.tidy(() => {
    const m2 = maskToFloat(mask, fn) as tf.Tensor2D;
    const inputsChecked = validate && checkOnHost(fn, perToken as tf.Tensor2D, m2);
    const needGrad = tapeIsRecording();
    const forward = (x: tf.Tensor, save: tf.GradSaveFunc) => {
      const valid = tf.equal(m2, 1);
      const m = tf.cast(valid, 'float32');
      const w = tf.reshape(rowWeightsTensor(tf.sum(m, 1) as tf.Tensor1D, T, checkedMode, norm), [-1, 1]);
      const notBinary = accurateSum(tf.cast(tf.logicalAnd(tf.notEqual(m2, 0), tf.notEqual(m2, 1)), 'float32'));
      const sum = accurateSum(tf.mul(tf.where(valid, x, tf.zerosLike(x)), w));
      const value = tf.where(tf.greater(notBinary, 0), tf.scalar(Number.NaN), sum);
      if (needGrad) save([tf.mul(m, w)]);
      return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0] as tf.Tensor, dy) };
    };
    const result = unaryCustomGrad(forward, perToken) as tf.Scalar;
    if (validate) checkResult(fn, perToken as tf.Tensor2D, m2, result, inputsChecked);
    return result;
  });
}
