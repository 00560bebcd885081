/**
 * `tokenLogProbs` and `entropyFromLogits` composed of tfjs ops, for backends without srl-kit's
 * fused kernels: the same values and closed-form gradients, in float32, with chunked row sums.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { accurateRowSums } from './_sum.js';

/** Lowest `z - max` used in products with `exp(z - max)` (as the fused kernels). */
const FLOOR = -256;

/** `[logProbs [N], grad [N, V] or [0]]` of log-softmax + gather. @internal */
export function composedTokenLogProbs(z: tf.Tensor2D, ids: tf.Tensor1D, needGrad: boolean): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const V = z.shape[1];
    const m = tf.max(z, 1, true);
    const e = tf.exp(tf.sub(z, m));
    const s = tf.reshape(accurateRowSums(e as tf.Tensor2D), [-1, 1]);
    const hot = tf.equal(tf.reshape(tf.range(0, V, 1, 'int32'), [1, V]), tf.reshape(ids, [-1, 1]));
    const picked = tf.sum(tf.where(hot, z, tf.zerosLike(z)), 1, true);
    // (z_id - m) is exact in float32; adding m back first would round at the logits' scale
    const raw = tf.reshape(tf.sub(tf.sub(picked, m), tf.log(s)), [-1]);
    // an id outside [0, V) picks nothing: NaN, never a plausible log-probability
    const out = tf.where(tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, V)), raw, tf.fill(raw.shape, Number.NaN));
    const grad = needGrad ? tf.sub(tf.cast(hot, 'float32'), tf.div(e, s)) : tf.zeros([0]);
    return [out, grad];
  });
}

/** `[entropy [N], grad [N, V] or [0]]` of each row's softmax. @internal */
export function composedEntropy(z: tf.Tensor2D, needGrad: boolean): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const m = tf.max(z, 1, true);
    const x = tf.maximum(tf.sub(z, m), FLOOR);
    const e = tf.exp(x);
    const s = tf.reshape(accurateRowSums(e as tf.Tensor2D), [-1, 1]);
    const mean = tf.div(tf.reshape(accurateRowSums(tf.mul(e, x) as tf.Tensor2D), [-1, 1]), s);
    const out = tf.reshape(tf.sub(tf.log(s), mean), [-1]);
    const grad = needGrad ? tf.mul(tf.neg(tf.div(e, s)), tf.sub(x, mean)) : tf.zeros([0]);
    return [out, grad];
  });
}
