import * as tf from '@tensorflow/tfjs-core';
import { unaryCustomGrad } from './_custom-grad.js';
import { describeType } from '../../_lib/describe.js';
import { assertOptions } from '../../_lib/assert.js';
import { assertKnownKeys } from '../../_lib/options.js';
import { KL_OPTION_KEYS, klOverflow } from '../arrays/kl-penalty-array.js';
import type { KlEstimator, KlOptions } from '../types.js';
import { assertFloat, assertShape, assertTensor, shapeText, tapeIsRecording } from './_check.js';
import { assertAllFinite, firstNonFinite, hostValues, nonFiniteFlags, positionText, readCounts, resolveValidate } from './_validate.js';

/** {@link KlOptions} plus what only the tensor version has. */
export interface KlPenaltyTensorOptions extends KlOptions {
  /**
   * Check the values (default true; false on webgpu): a NaN or ±Infinity in `logProbs` or `refLogProbs`, or a
   * value that overflows (k3 with `clamp: null`, a huge Delta with k2), throws a RangeError
   * naming the argument and the first bad position, as `klPenaltyArray` does. On cpu and wasm
   * the check is one pass over host memory; on other backends one reduction and one read back
   * (a GPU sync). `false` skips it: a bad value then comes out as NaN or ±Infinity at its
   * position. On webgpu the default is `false` (a synchronous read per call would stall the
   * GPU queue, and tfjs cannot do it in Node): a bad value then gives NaN or ±Infinity.
   */
  readonly validate?: boolean | undefined;
}

const TENSOR_KL_OPTION_KEYS = [...KL_OPTION_KEYS, 'validate'];
const FINITE_RULE = 'every value must be finite (fill padding with 0)';

const ESTIMATORS: readonly KlEstimator[] = ['k1', 'k2', 'k3', 'abs'];
/** verl clamps the exponent input of k3 to [-20, 20]. */
const K3_INPUT_CLAMP = 20;
/** Below this |x|, `expm1(x)` and `expm1(x) - x` come from their series (float32 cancellation). */
const SERIES_BELOW = 0.5;

/** `p(x) = c0 + x (c1 + x (c2 + ...))`. */
function horner(x: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(coefficients[coefficients.length - 1] as number);
  for (let i = coefficients.length - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, x), coefficients[i] as number);
  return acc;
}

const FACT = [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800];
/** expm1(x) / x = sum_k x^k / (k + 1)!, to x^9. */
const EXPM1_OVER_X = FACT.slice(1).map((f) => 1 / f);
/** (expm1(x) - x) / x^2 = sum_k x^k / (k + 2)!, to x^8. */
const K3_OVER_X2 = FACT.slice(2).map((f) => 1 / f);

/** `[expm1(x), expm1(x) - x]`, accurate in float32 for small |x| too. */
function expm1Pair(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const small = tf.less(tf.abs(x), SERIES_BELOW);
  const em1 = tf.where(small, tf.mul(x, horner(x, EXPM1_OVER_X)), tf.expm1(x));
  const k3 = tf.where(small, tf.mul(tf.square(x), horner(x, K3_OVER_X2)), tf.sub(tf.expm1(x), x));
  return [em1, k3];
}

/** `[value, d value / d logProbs]` of one estimator. */
function klParts(estimator: KlEstimator, clamp: number | null, lp: tf.Tensor, ref: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const delta = tf.sub(lp, ref);
  switch (estimator) {
    case 'k1':
      return [delta, tf.onesLike(delta)];
    case 'abs':
      return [tf.abs(delta), tf.sign(delta)];
    case 'k2':
      return [tf.mul(tf.square(delta), 0.5), delta];
    case 'k3': {
      let x = tf.neg(delta); // logp_ref - logp
      let live: tf.Tensor = tf.onesLike(x);
      if (clamp !== null) {
        live = tf.cast(tf.logicalAnd(tf.greaterEqual(x, -K3_INPUT_CLAMP), tf.lessEqual(x, K3_INPUT_CLAMP)), 'float32');
        x = tf.clipByValue(x, -K3_INPUT_CLAMP, K3_INPUT_CLAMP);
      }
      const [em1, value] = expm1Pair(x);
      let grad = tf.mul(tf.neg(em1), live);
      if (clamp === null) return [value, grad];
      const inside = tf.logicalAnd(tf.greaterEqual(value, -clamp), tf.lessEqual(value, clamp));
      grad = tf.where(inside, grad, tf.zerosLike(grad));
      return [tf.clipByValue(value, -clamp, clamp), grad];
    }
  }
}

/**
 * Per-token KL estimate between the policy and a reference policy, from log-probabilities of
 * the sampled tokens (Delta = logp - logp_ref), as verl's `kl_penalty`: `'k1'` Delta, `'abs'`
 * |Delta|, `'k2'` Delta^2 / 2, `'k3'` exp(-Delta) - 1 + Delta (computed without float32
 * cancellation for small Delta). k3 is clamped as in verl unless `clamp` is `null` (TRL).
 * Differentiable w.r.t. `logProbs` (`refLogProbs` is a constant); clamped tokens get no gradient.
 * Add `beta * aggregateLoss(kl, mask, mode)` to the loss, or subtract it from the reward.
 *
 * Elementwise and unmasked, like `klPenaltyArray`: every input value must be finite (fill
 * padding with 0, e.g. `tf.where(mask, x, 0)`), and a value that overflows float32 throws; both
 * name the argument and the first bad position (see {@link KlPenaltyTensorOptions.validate}).
 * An option key it does not know throws, naming the nearest valid one.
 *
 * @param logProbs - float32, any shape (usually `[B, T]`).
 * @param refLogProbs - float32, the same shape.
 * @param estimator - `'k1'`, `'k2'`, `'k3'` or `'abs'`.
 * @param options - `{ clamp, validate }`: k3's output bound, default 10 (see `KlOptions`), and
 *   the value check, default on.
 * @returns float32, the shape of `logProbs`.
 * @throws TypeError when an argument has the wrong type, `estimator` or an option key is
 *   unknown, or (webgpu in Node) the check cannot read back.
 * @throws RangeError when the shapes differ (both are named), `clamp` is not a finite number > 0,
 *   an input holds NaN or ±Infinity, or a value overflows.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { klPenalty } from 'srl-kit/ops';
 * const lp = tf.tensor1d([-1, -2]);
 * const ref = tf.tensor1d([-1.5, -1]);
 * klPenalty(lp, ref, 'k1').print(); // [0.5, -1]
 * klPenalty(lp, ref, 'k3').print(); // [0.1065307, 0.7182818]
 * klPenalty(tf.tensor1d([-1, NaN]), ref, 'k1');
 * // RangeError: klPenalty: logProbs[1] is NaN; every value must be finite (fill padding with 0)
 * ```
 */
export function klPenalty(logProbs: tf.Tensor, refLogProbs: tf.Tensor, estimator: KlEstimator, options?: KlPenaltyTensorOptions): tf.Tensor {
  const fn = 'klPenalty';
  assertTensor(logProbs, fn, 'logProbs');
  assertFloat(logProbs, fn, 'logProbs');
  assertTensor(refLogProbs, fn, 'refLogProbs');
  assertFloat(refLogProbs, fn, 'refLogProbs');
  assertShape(refLogProbs, logProbs.shape, fn, 'refLogProbs', `logProbs of shape ${shapeText(logProbs.shape)}`);
  if (typeof estimator !== 'string' || !(ESTIMATORS as readonly string[]).includes(estimator)) {
    const got = typeof estimator === 'string' ? JSON.stringify(estimator) : describeType(estimator);
    throw new TypeError(`${fn}: argument 'estimator' must be one of ${ESTIMATORS.map((e) => `'${e}'`).join(', ')}, got ${got}`);
  }
  assertOptions(options, fn);
  assertKnownKeys(options, TENSOR_KL_OPTION_KEYS, fn);
  const validate = resolveValidate(options?.validate, fn);
  let clamp: number | null = 10;
  const c = (options as { clamp?: unknown } | undefined)?.clamp;
  if (c === null) clamp = null;
  else if (c !== undefined) {
    if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0) {
      const got = typeof c === 'number' ? String(c) : describeType(c);
      throw new RangeError(`${fn}: option 'clamp' must be a finite number > 0 or null, got ${got}`);
    }
    clamp = c;
  }
  // host memory: the inputs are checked before computing (one pass, no copy)
  const onHost = validate && hostValues(logProbs) !== null;
  if (onHost) assertAllFinite(fn, [['logProbs', logProbs], ['refLogProbs', refLogProbs]], FINITE_RULE);
  return tf.tidy(() => {
    const needGrad = tapeIsRecording();
    const forward = (lp: tf.Tensor, save: tf.GradSaveFunc) => {
      const [value, grad] = klParts(estimator, clamp, lp, refLogProbs);
      if (needGrad) save([grad]);
      return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0] as tf.Tensor) };
    };
    const y = unaryCustomGrad(forward, logProbs);
    if (validate) checkResult(fn, estimator, clamp, logProbs, refLogProbs, y, onHost);
    return y;
  });
}

/**
 * Throws for a non-finite input (unless checked already) or an overflowing value: on a GPU,
 * inputs and result are counted in one reduction and one read.
 */
function checkResult(
  fn: string,
  estimator: KlEstimator,
  clamp: number | null,
  lp: tf.Tensor,
  ref: tf.Tensor,
  y: tf.Tensor,
  inputsChecked: boolean,
): void {
  let values = hostValues(y);
  if (values === null) {
    const [badLp, badRef, badY] = readCounts(() => [tf.sum(nonFiniteFlags(lp)), tf.sum(nonFiniteFlags(ref)), tf.sum(nonFiniteFlags(y))]);
    if (badLp === 0 && badRef === 0 && badY === 0) return;
    if (!inputsChecked) assertAllFinite(fn, [['logProbs', lp], ['refLogProbs', ref]], FINITE_RULE);
    values = y.dataSync() as ArrayLike<number>;
  }
  const k = firstNonFinite(values);
  if (k < 0) return;
  const lps = hostValues(lp) ?? (lp.dataSync() as ArrayLike<number>);
  const refs = hostValues(ref) ?? (ref.dataSync() as ArrayLike<number>);
  const where = lp.rank === 0 ? '[]' : positionText('', lp.shape, k);
  klOverflow(fn, estimator, clamp, where, values[k] as number, (lps[k] as number) - (refs[k] as number));
}
