import type * as tf from '@tensorflow/tfjs-core';
import { logitsOp } from './_logits-op.js';
import { logitsOptions, logitsRows, type LogitsOpOptions } from './token-log-probs.js';

/**
 * Entropy of the softmax of each row of logits, `logsumexp(z) - sum_v softmax(z)_v z_v`
 * (nats), computed in float32 without overflow, differentiable w.r.t. `logits` (gradient
 * `-p_v (z_v - sum_u p_u z_u)` per row, times the incoming gradient). For an entropy bonus,
 * subtract `coef * aggregateLoss(entropy, mask, mode)` from the loss.
 *
 * Fused on the cpu, wasm and webgpu backends like {@link tokenLogProbs}: per row, the forward
 * kernel keeps the maximum, log-sum-exp and `E_p[z]`, and the backward kernel recomputes the
 * gradient from the logits in one pass.
 *
 * @param logits - float32 `[N, V]` or `[B, T, V]`; -Infinity is allowed (masked vocabulary).
 * @param options - See {@link LogitsOpOptions}; an unknown key throws, naming the nearest valid one.
 * @returns float32 `[N]` or `[B, T]`: the entropies (>= 0, at most log V).
 * @throws TypeError when `logits` is not a float32 tensor, an option key is unknown, or
 *   (webgpu in Node) the check cannot read back.
 * @throws RangeError when `logits` is not 2-D or 3-D, or (see `validate`) holds NaN / +Infinity
 *   or a row without a finite value.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { entropyFromLogits } from 'srl-kit/ops';
 * entropyFromLogits(tf.tensor2d([[0, 0, 0, 0], [9, 0, 0, 0]])).print(); // [1.3862944, 0.003701]
 * ```
 */
export function entropyFromLogits(logits: tf.Tensor, options?: LogitsOpOptions): tf.Tensor {
  const fn = 'entropyFromLogits';
  logitsRows(fn, logits);
  return logitsOp('entropy', fn, logits, null, logitsOptions(options, fn));
}
