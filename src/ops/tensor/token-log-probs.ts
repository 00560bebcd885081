import type * as tf from '@tensorflow/tfjs-core';
import { assertOptions } from '../../_lib/assert.js';
import { assertKnownKeys } from '../../_lib/options.js';
import { assertFloat, assertShape, assertTensor, shapeText } from './_check.js';
import { logitsOp } from './_logits-op.js';
import { resolveValidate } from './_validate.js';

/** Options of {@link tokenLogProbs} and {@link entropyFromLogits}. */
export interface LogitsOpOptions {
  /**
   * Check the values (default true; false on webgpu): a NaN or +Infinity logit, a row without a finite logit,
   * an id that is not an integer in [0, V) (float32 ids are never truncated), or a
   * log-probability that overflows float32 (finite logits ~1e38 apart) throws a RangeError
   * naming its position. On the cpu and wasm backends the fused kernels check while they
   * compute, at no cost, whatever this option says. On other backends the check reads the
   * rows' flags back to the host (a GPU sync). `false` skips that read: a bad row then gives
   * NaN there, never a plausible number. On webgpu the default is `false` (a synchronous
   * read per call would stall the GPU queue, and tfjs cannot do it in Node).
   */
  readonly validate?: boolean | undefined;
}

const LOGITS_OPTION_KEYS = ['validate'];

/** Checks the options bag of a logits op and reads `validate`. @internal */
export function logitsOptions(options: unknown, fn: string): boolean {
  assertOptions(options, fn);
  assertKnownKeys(options, LOGITS_OPTION_KEYS, fn);
  return resolveValidate((options as LogitsOpOptions | undefined)?.validate, fn);
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
 * A chosen token whose logit is -Infinity gets -Infinity (log 0), which the loss ops reject
 * at valid positions; any other non-finite result is an error.
 *
 * @param logits - float32 `[N, V]` or `[B, T, V]`; -Infinity is allowed (masked vocabulary).
 * @param ids - int32 `[N]` or `[B, T]` (float32 holding integers is cast), each an integer in
 *   [0, V): 0.5, -1 or V is an error naming its position, never truncated or wrapped.
 * @param options - See {@link LogitsOpOptions}; an unknown key throws, naming the nearest valid one.
 * @returns float32 `[N]` or `[B, T]`: the log-probabilities (<= 0).
 * @throws TypeError when an argument is not a tensor or has the wrong dtype, an option key is
 *   unknown, or (webgpu in Node) the check cannot read back.
 * @throws RangeError when a shape does not fit (the message names both shapes), or (see
 *   `validate`) a logit is NaN / +Infinity, a row has no finite logit, an id is not an integer
 *   in [0, V), or a log-probability overflows.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { tokenLogProbs } from 'srl-kit/ops';
 * const logits = tf.tensor2d([[2, 1, 0], [0, 0, 0]]);
 * tokenLogProbs(logits, tf.tensor1d([0, 2], 'int32')).print(); // [-0.4076059, -1.0986123]
 * const g = tf.grad((z: tf.Tensor) => tokenLogProbs(z, tf.tensor1d([0, 2], 'int32')).sum())(logits);
 * tokenLogProbs(logits, tf.tensor1d([0, 0.5]));
 * // RangeError: tokenLogProbs: ids[1] (flattened) is 0.5, expected an integer in [0, 3) (V = logits.shape[-1])
 * ```
 */
export function tokenLogProbs(logits: tf.Tensor, ids: tf.Tensor, options?: LogitsOpOptions): tf.Tensor {
  const fn = 'tokenLogProbs';
  logitsRows(fn, logits, ids);
  return logitsOp('logp', fn, logits, ids, logitsOptions(options, fn));
}
