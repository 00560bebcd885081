import * as tf from '@tensorflow/tfjs-core';
import { unaryCustomGrad } from './_custom-grad.js';
import { checkMode } from '../arrays/aggregate-loss-array.js';
import { resolveNormalizer } from '../arrays/resolve-policy-loss-options.js';
import type { LossAggregation, LossNormalizer } from '../types.js';
import { assertFloat, assertShape, assertTensor, maskToFloat, readValidate, shapeText, tapeIsRecording } from './_check.js';
import { rowWeightsTensor } from './_composed-policy-loss.js';
import { accurateSum } from './_sum.js';

/** Options of {@link aggregateLoss}. */
export interface AggregateLossOptions {
  /**
   * Check the inputs: a mask value other than 0/1, or a NaN / ±Infinity value of `perToken`
   * where the mask is 1, throws a RangeError naming its position. The check reads one number
   * back to the host. Default: true on the cpu and wasm backends, false elsewhere (on a GPU
   * the read is a sync, and Node's WebGPU has no synchronous read at all); unchecked, a bad
   * value makes the result NaN.
   */
  readonly validate?: boolean;
}

/** Throws when the mask is not 0/1 or a valid value is not finite (one read back). */
function check(fn: string, perToken: tf.Tensor2D, mask: tf.Tensor2D): void {
  const bad = tf.tidy(() => {
    const notBinary = tf.logicalAnd(tf.notEqual(mask, 0), tf.notEqual(mask, 1));
    const nonFinite = tf.logicalAnd(tf.equal(mask, 1), tf.logicalNot(tf.equal(tf.sub(perToken, perToken), 0)));
    return accurateSum(tf.cast(tf.logicalOr(notBinary, nonFinite), 'float32'));
  });
  const n = bad.dataSync()[0] as number;
  bad.dispose();
  if (n === 0) return;
  const T = perToken.shape[1];
  const values = perToken.dataSync();
  const m = mask.dataSync();
  for (let k = 0; k < m.length; k++) {
    const where = `[${Math.floor(k / T)}, ${k % T}] (flat index ${k})`;
    const mk = m[k] as number;
    if (mk !== 0 && mk !== 1) throw new RangeError(`${fn}: mask${where} is ${String(mk)}, expected 0 or 1`);
    const v = values[k] as number;
    if (mk === 1 && !Number.isFinite(v)) {
      throw new RangeError(`${fn}: perToken${where} is ${String(v)}; values at valid (mask 1) positions must be finite`);
    }
  }
}

/**
 * Turns per-token values `[B, T]` (a loss, a KL estimate, an entropy) into one Scalar, as
 * verl's `agg_loss`: `'token-mean'`, `'seq-mean-token-mean'`, `'seq-mean-token-sum'` or
 * `'seq-mean-token-sum-norm'` (formulas: `LossAggregation`), where rows without a valid token
 * do not count as sequences and `normalizer` replaces the micro-batch's counts by global ones
 * (data parallelism, gradient accumulation). Positions where the mask is 0 are ignored,
 * whatever they hold (NaN included). Differentiable w.r.t. `perToken` (the gradient is the
 * mask times each row's weight). Sums in chunks of 1024, so 8M tokens stay within 1e-5 of the
 * float64 result. Nothing to divide by gives 0, never NaN. The plain-array twin is
 * `aggregateLossArray`.
 *
 * @param perToken - float32 `[B, T]`.
 * @param mask - `[B, T]` of 0 and 1 (float32, int32 or bool).
 * @param mode - The aggregation.
 * @param normalizer - Optional global denominators (`LossNormalizer`).
 * @param options - See {@link AggregateLossOptions}.
 * @returns A float32 Scalar.
 * @throws TypeError when an argument has the wrong type or `mode` is unknown.
 * @throws RangeError when the shapes differ (both are named), a normalizer field is not a
 *   finite number > 0, or (see `validate`) an input holds a bad value. Unchecked, a bad value
 *   gives NaN.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { aggregateLoss } from 'srl-kit/ops';
 * const loss = tf.tensor2d([[1, 2, 3], [4, 0, 0]]);
 * const mask = tf.tensor2d([[1, 1, 1], [1, 0, 0]]);
 * aggregateLoss(loss, mask, 'token-mean').print();          // 2.5
 * aggregateLoss(loss, mask, 'seq-mean-token-mean').print(); // 3
 * aggregateLoss(loss, mask, 'token-mean', { tokens: 10 }).print(); // 1
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
  const validate = readValidate(options, fn);
  return tf.tidy(() => {
    const m2 = maskToFloat(mask, fn) as tf.Tensor2D;
    if (validate) check(fn, perToken as tf.Tensor2D, m2);
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
    return unaryCustomGrad(forward, perToken) as tf.Scalar;
  });
}
