/**
 * The shared body of `tokenLogProbs` and `entropyFromLogits`: picks the fused kernel of the
 * active backend (host style, GPU style) or composes tfjs ops, and wires the gradient.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { tapeIsRecording } from './_check.js';
import { checkLogits, composedEntropy, composedTokenLogProbs } from './_composed-logits.js';
import { unaryCustomGrad } from './_custom-grad.js';
import { ENTROPY, ENTROPY_GRAD, SCALE_ROWS, TOKEN_LOG_PROBS, TOKEN_LOG_PROBS_GRAD } from './_kernels/names.js';
import { fusedStyle, hasFusedKernel } from './_kernels/registry.js';
import { LOGITS_ROW_INFO } from './_kernels/webgpu-kernels.js';
import { aliasOf, attachToTape, tapeAttachable } from './_tape.js';

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
    const intIds = ids === null ? null : ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32');
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
        if (validate) {
          const bad = tf.sum(tf.slice(info, [0, LOGITS_ROW_INFO.bad], [N, 1]));
          if ((bad.dataSync()[0] as number) !== 0) checkLogits(fn, tf.reshape(z, [-1, V]) as tf.Tensor2D, ids1);
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

    if (style === null && validate) checkLogits(fn, z2, ids1);
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
    return unaryCustomGrad(forward, logits);
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
