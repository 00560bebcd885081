/**
 * Sums that do not trust a backend's reduction over millions of float32 values: tfjs's wasm
 * `sum` adds sequentially in float32, which was measured 5.7% off on 8M elements. Summing
 * chunks of {@link CHUNK} values first keeps every partial sum small, so each addition loses
 * at most about float32's epsilon relative to the partial, not to the total.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** Values summed by the backend in one go. @internal */
export const CHUNK = 1024;

/**
 * The sum of all elements of `x`, as a float32 Scalar, summed in chunks of 1024 (then the
 * chunk sums in chunks, and so on). Within 1e-5 relative of the float64 sum at 8M elements
 * on the cpu and wasm backends (checked by `bench/ops.ts`).
 * @internal
 * @example
 * ```ts
 * accurateSum(tf.ones([8 * 1024 * 1024])).dataSync()[0]; // 8388608
 * ```
 */
export function accurateSum(x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    let v: tf.Tensor = tf.reshape(x, [-1]);
    while (v.size > CHUNK) {
      const n = v.size;
      const full = n - (n % CHUNK);
      const head = full === n ? v : tf.slice(v, [0], [full]);
      const partial = tf.sum(tf.reshape(head, [-1, CHUNK]), 1);
      v = full === n ? partial : tf.concat([partial, tf.slice(v, [full], [n - full])]);
    }
    return tf.sum(v);
  });
}

/**
 * Row sums of a `[B, T]` tensor, summed in chunks of 1024 along T.
 * @internal
 * @example
 * ```ts
 * accurateRowSums(tf.ones([2, 5000])).dataSync(); // [5000, 5000]
 * ```
 */
export function accurateRowSums(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    let v: tf.Tensor2D = x;
    while ((v.shape[1] as number) > CHUNK) {
      const [B, T] = v.shape;
      const pad = (CHUNK - (T % CHUNK)) % CHUNK;
      const padded = pad === 0 ? v : tf.pad(v, [
        [0, 0],
        [0, pad],
      ]);
      v = tf.sum(tf.reshape(padded, [B, (T + pad) / CHUNK, CHUNK]), 2);
    }
    return tf.sum(v, 1);
  });
}
