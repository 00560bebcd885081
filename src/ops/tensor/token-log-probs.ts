import type * as tf from '@tensorflow/tfjs-core';
import { assertFloat, assertShape, assertTensor, readValidate, shapeText } from './_check.js';
import { logitsOp } from './_logits-op.js';

/** Options of {@link tokenLogProbs} and {@link entropyFromLogits}. */
export interface LogitsOpOptions {
  /**
   * Check the inputs: a NaN or +Infinity logit, a row without a finite logit or an id outside
   * [0, V) throws a RangeError naming its position. On the cpu and wasm backends the fused
   * kernels always check, while they compute, at no cost. On other backends the check reads
   * the rows' flags back to the host: default false there (on a GPU the read is a sync, and
   * Node's WebGPU has no synchronous read at all), and a bad row then gives NaN (webgpu) or
   * an unspecified value (other backends, an id out of range); `true` asks for the read.
   */
  readonly validate?: boolean;
}

/**
 * Reads logits as `[N, V]` (2-D, or 3-D `[B, T, V]` flattened) and checks `ids` against them.
 * @internal
 */
export function logitsRows(fn: string, logits: unknown, ids?: unknown): { N: number; V: number } {
  assertTensor(logits, fn, 'logits');
  assertFloat(logits, fn, 'logits');
  if (logits.rank !== 2 && logits.rank !== 3) {
    throw new RangeError(`${fn}: argument 'logits' must be [N, V] or [B, T, V], got shape ${shapeText(logits.shape)}`);
  }
  const V = logits.shape[logits.rank - 1] as number;
  if (V < 1) throw new RangeError(`${fn}: argument 'logits' has shape ${shapeText(logits.shape)}: the vocabulary (last) dimension is empty`);
  if (ids !== undefined) {
    assertTensor(ids, fn, 'ids');
    if (ids.dtype !== 'int32' && ids.dtype !== 'float32') {
      throw new TypeError(`${fn}: argument 'ids' must be int32 (or float32 holding integers), got ${ids.dtype}`);
    }
    assertShape(ids, logits.shape.slice(0, -1), fn, 'ids', `logits of shape ${shapeText(logits.shape)}`);
  }
  return { N: logits.size / V, V };
}

/**
 * Log-probability of each chosen token: `logits[..., ids] - logsumexp(logits[...])`, computed
 * in float32 without overflow (the row maximum is subtracted first), differentiable w.r.t.
 * `logits` (gradient `onehot(ids) - softmax(logits)` per row, times the incoming gradient).
 *
 * Fused on the cpu, wasm and webgpu backends: the forward kernel computes each row's maximum
 * and log-sum-exp in one workgroup (webgpu) or with WebAssembly SIMD (cpu, wasm; sums in
 * float64), and the backward kernel recomputes `dy (onehot - softmax)` in one elementwise
 * pass, so no softmax is stored between them. Where WebAssembly SIMD is missing, cpu and wasm
 * run JavaScript kernels instead (the forward pass then also writes the gradient when a tape
 * records, and the backward pass scales it in place). Other backends compose tfjs ops. No
 * second derivatives.
 *
 * @param logits - float32 `[N, V]` or `[B, T, V]`; -Infinity is allowed (masked vocabulary).
 * @param ids - int32 `[N]` or `[B, T]` (float32 holding integers is cast), each in [0, V).
 * @param options - See {@link LogitsOpOptions}.
 * @returns float32 `[N]` or `[B, T]`: the log-probabilities (<= 0).
 * @throws TypeError when an argument is not a tensor or has the wrong dtype.
 * @throws RangeError when a shape does not fit (the message names both shapes), or (see
 *   `validate`) a logit is NaN / +Infinity, a row has no finite logit, or an id is out of range.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { tokenLogProbs } from 'srl-kit/ops';
 * const logits = tf.tensor2d([[2, 1, 0], [0, 0, 0]]);
 * tokenLogProbs(logits, tf.tensor1d([0, 2], 'int32')).print(); // [-0.4076059, -1.0986123]
 * const g = tf.grad((z: tf.Tensor) => tokenLogProbs(z, tf.tensor1d([0, 2], 'int32')).sum())(logits);
 * ```
 */
export function tokenLogProbs(logits: tf.Tensor, ids: tf.Tensor, options?: LogitsOpOptions): tf.Tensor {
  const fn = 'tokenLogProbs';
  logitsRows(fn, logits, ids);
  return logitsOp('logp', fn, logits, ids, readValidate(options, fn));
}
