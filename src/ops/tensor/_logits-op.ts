/**
 * The shared body of `tokenLogProbs` and `entropyFromLogits`: picks the fused kernel of the
 * active backend (host style, GPU style) or composes tfjs ops, wires the gradient, and runs
 * the value checks that the kernels do not do themselves.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { tapeIsRecording } from './_check.js';
import { composedEntropy, composedTokenLogProbs } from './_composed-logits.js';
import { unaryCustomGrad } from './_custom-grad.js';
import { badIdError, logProbOverflow, throwFirstBadLogits } from './_kernels/logits-math.js';
import { ENTROPY, ENTROPY_GRAD, SCALE_ROWS, TOKEN_LOG_PROBS, TOKEN_LOG_PROBS_GRAD } from './_kernels/names.js';
import { fusedStyle, hasFusedKernel } from './_kernels/registry.js';
import { LOGITS_ROW_INFO } from './_kernels/webgpu-kernels.js';
import { aliasOf, attachToTape, tapeAttachable } from './_tape.js';
import { hostValues, nonFiniteFlags, readCounts } from './_validate.js';

/**
 * int32 ids from `ids`, never truncating: float32 ids are checked on the host where they live
 * there (a RangeError naming the first one that is not an integer in [0, V)); on other
 * backends such an id becomes -1, which the kernels flag (NaN, or the check's RangeError).
 */
function intIdsOf(fn: string, ids: tf.Tensor, V: number): tf.Tensor {
  if (ids.dtype === 'int32') return ids;
  const values = hostValues(ids);
  if (values !== null) {
    for (let n = 0; n < values.length; n++) {
      const error = badIdError(fn, n, values[n] as number, V);
      if (error !== null) throw error;
    }
    return tf.cast(ids, 'int32');
  }
  const valid = tf.logicalAnd(tf.equal(ids, tf.floor(ids)), tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, V)));
  return tf.where(valid, tf.cast(ids, 'int32'), tf.fill(ids.shape, -1, 'int32'));
}

/** Reads the inputs back and throws the first problem (`ids` as the caller gave them). */
function throwFromInputs(fn: string, kind: 'logp' | 'entropy', z: tf.Tensor, ids: tf.Tensor | null, N: number, V: number): void {
  const zs = (hostValues(z) ?? z.dataSync()) as Float32Array;
  const idv = ids === null ? null : (hostValues(ids) ?? (ids.dataSync() as ArrayLike<number>));
  throwFirstBadLogits(fn, kind, zs, idv, N, V);
}

/**
 * The check of the composed path (no fused kernel): one reduction over the inputs and the
 * result and one read; on a count, the inputs are read back and the first problem named.
 * A -Infinity log-probability is fine where the chosen logit is -Infinity (log 0).
 */
function checkComposed(fn: string, kind: 'logp' | 'entropy', z: tf.Tensor2D, ids: tf.Tensor | null, y: tf.Tensor): void {
  const [N, V] = z.shape;
  const counts = readCounts(() => {
    const parts = [
      tf.sum(tf.cast(tf.logicalNot(tf.less(z, Infinity)), 'float32')),
      tf.sum(tf.cast(tf.equal(tf.max(z, 1), -Infinity), 'float32')),
      tf.sum(nonFiniteFlags(y)),
    ];
    if (ids !== null) {
      const flat = tf.reshape(ids, [-1]);
      const inRange = tf.logicalAnd(tf.greaterEqual(flat, 0), tf.less(flat, V));
      const ok = flat.dtype === 'int32' ? inRange : tf.logicalAnd(tf.equal(flat, tf.floor(flat)), inRange);
      parts.push(tf.sum(tf.cast(tf.logicalNot(ok), 'float32')));
    }
    return parts;
  });
  if (counts.every((c) => c === 0)) return;
  throwFromInputs(fn, kind, z, ids, N, V);
  // valid inputs: only a -Infinity log-probability from a -Infinity logit is allowed
  const out = y.dataSync();
  const zs = z.dataSync();
  const idv = ids === null ? null : ids.dataSync();
  for (let n = 0; n < N; n++) {
    const v = out[n] as number;
    if (v - v === 0) continue;
    const id = idv === null ? -1 : (idv[n] as number);
    const chosen = id < 0 ? Number.NaN : (zs[n * V + id] as number);
    if (v === -Infinity && chosen === -Infinity) continue;
    if (v === -Infinity) {
      let max = -Infinity;
      for (let k = n * V; k < (n + 1) * V; k++) max = Math.max(max, zs[k] as number);
      logProbOverflow(fn, n, id, chosen, max);
    }
    throw new RangeError(`${fn}: row ${n} gave ${String(v)} from valid inputs`);
  }
}

/**
 * `kind` `'logp'`: log-softmax + gather at `ids`; `'entropy'`: the softmax entropy; per row of
 * `logits` (last axis), differentiable w.r.t. `logits`. Arguments are checked by the caller.
 * @internal
 */
export function logitsOp(kind: 'logp' | 'entropy', fn: string, logits: tf.Tensor, ids: tf.Tensor | null, validate: boolean): tf.Tensor {
  const V = logits.shape[logits.rank - 1] as number;
  const N = logits.size / V;
  const outShape = logits.shape.slice(0, -1);
  return tf.tidy(() => {
    const intIds = ids === null ? null : intIdsOf(fn, ids, V);
    const ids1 = intIds === null ? null : (tf.reshape(intIds, [-1]) as tf.Tensor1D);
    const needGrad = tapeIsRecording();
    const style = fusedStyle(kind === 'logp' ? TOKEN_LOG_PROBS : ENTROPY);
    const z2 = tf.reshape(logits, [-1, V]) as tf.Tensor2D;
    const idInputs = intIds === null ? {} : { ids: intIds };

    if (style === 'rows') {
      // the backward kernel reads the logits: saved without the copy tfjs-wasm's clone makes
      const alias = needGrad && tf.getBackend() === 'wasm' && tapeAttachable();
      let zAlias: tf.Tensor | null = null;
      const forward = (z: tf.Tensor, save: tf.GradSaveFunc) => {
        const [rowInfo] = tf.engine().runKernel(kind === 'logp' ? TOKEN_LOG_PROBS : ENTROPY, { logits: z, ...idInputs }, { fn, needGrad }) as tf.Tensor[];
        const info = tf.reshape(rowInfo as tf.Tensor, [N, LOGITS_ROW_INFO.width]);
        // the host (SIMD) kernels throw themselves; a GPU kernel flags bad rows, read here
        if (validate && hostValues(info) === null) {
          const [bad] = readCounts(() => [tf.sum(tf.slice(info, [0, LOGITS_ROW_INFO.bad], [N, 1]))]);
          if (bad !== 0) {
            throwFromInputs(fn, kind, z, ids, N, V);
            throw new RangeError(`${fn}: ${String(bad)} row(s) of the logits gave a non-finite value`);
          }
        }
        if (needGrad) {
          // saved: [info, ids?, logits]; the logits come last (an alias attached after the call)
          const rest = intIds === null ? [info] : [info, intIds];
          if (alias) {
            save(rest);
            zAlias = aliasOf(z);
          } else save([...rest, z]);
        }
        return {
          value: tf.reshape(tf.slice(info, [0, LOGITS_ROW_INFO.value], [N, 1]), outShape),
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const infos = saved[0] as tf.Tensor;
            const zs = saved[saved.length - 1] as tf.Tensor;
            const inputs = intIds === null ? { dy, logits: zs, rowInfo: infos } : { dy, logits: zs, rowInfo: infos, ids: saved[1] as tf.Tensor };
            return tf.engine().runKernel(kind === 'logp' ? TOKEN_LOG_PROBS_GRAD : ENTROPY_GRAD, inputs, {}) as tf.Tensor;
          },
        };
      };
      const y = unaryCustomGrad(forward, logits);
      // not found: the alias stays alive (the backward pass needs it); never expected
      if (zAlias !== null) attachToTape(y, zAlias);
      return y;
    }

    const forward = (z: tf.Tensor, save: tf.GradSaveFunc) => {
      let value: tf.Tensor;
      let grad: tf.Tensor;
      if (style === 'host') {
        [value, grad] = tf.engine().runKernel(kind === 'logp' ? TOKEN_LOG_PROBS : ENTROPY, { logits: z, ...idInputs }, { fn, needGrad }) as [
          tf.Tensor,
          tf.Tensor,
        ];
      } else {
        const zz = tf.reshape(z, [-1, V]) as tf.Tensor2D;
        [value, grad] = ids1 === null ? composedEntropy(zz, needGrad) : composedTokenLogProbs(zz, ids1, needGrad);
      }
      if (needGrad) save([grad]);
      return {
        value: tf.reshape(value, outShape),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => scaleRowsBy(dy, saved[0] as tf.Tensor, logits.shape),
      };
    };
    const y = unaryCustomGrad(forward, logits);
    // the host (JavaScript) kernels throw themselves
    if (style === null && validate) checkComposed(fn, kind, z2, ids === null ? null : tf.reshape(ids, [-1]), tf.reshape(y, [-1]));
    return y;
  });
}

/**
 * `x * dy[..., None]` with `x` the saved gradient rows: in place with the host kernels (the
 * saved gradient has no other owner), composed otherwise.
 * @internal
 */
function scaleRowsBy(dy: tf.Tensor, x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (hasFusedKernel(SCALE_ROWS)) {
    return tf.reshape(tf.engine().runKernel(SCALE_ROWS, { dy, x }, {}) as tf.Tensor, shape as number[]);
  }
  const V = shape[shape.length - 1] as number;
  return tf.reshape(tf.mul(tf.reshape(x, [-1, V]), tf.reshape(dy, [-1, 1])), shape as number[]);
}
