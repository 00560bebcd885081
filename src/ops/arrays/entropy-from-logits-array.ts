import type { NumberArray } from '../types.js';
import { checkLogits, rowLogSumExp } from './_logits.js';

/**
 * The entropy of the softmax of each logits row, `H = logsumexp(z) - sum_j softmax(z)_j z_j`
 * (verl `entropy_from_logits`, TRL `entropy_from_logits`). Numerically stable: computed on
 * `z - max(z)` in float64, and entries of probability 0 (including `-Infinity` logits)
 * contribute 0. For an entropy bonus, aggregate the result with `aggregateLossArray` and
 * subtract `coef *` it from the loss.
 *
 * @param logits - `[N, V]` flat, row-major.
 * @param shape - `[N, V]`.
 * @returns N entropies (nats), each in [0, log V].
 * @throws TypeError when an argument has the wrong type or the shape is malformed.
 * @throws RangeError when the length does not match the shape, a logit is NaN or +Infinity,
 *   or a row is all -Infinity.
 * @example
 * ```ts
 * import { entropyFromLogitsArray } from 'srl-kit/ops';
 * entropyFromLogitsArray([5, 5, 5, 5, 1e4, 0, 0, 0], [2, 4]); //=> Float64Array [1.3862943611198906, 0]
 * ```
 */
export function entropyFromLogitsArray(logits: NumberArray, shape: readonly [number, number]): Float64Array {
  const fn = 'entropyFromLogitsArray';
  const [rows, vocab] = checkLogits(logits, shape, fn);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const start = i * vocab;
    const { max, logSum } = rowLogSumExp(logits, start, vocab);
    const sum = Math.exp(logSum);
    let weighted = 0;
    for (let k = start; k < start + vocab; k++) {
      const shifted = (logits[k] as number) - max;
      const e = Math.exp(shifted);
      if (e > 0) weighted += e * shifted;
    }
    // H = log S - sum_j p_j z'_j with z' = z - max, p_j = exp(z'_j) / S; never below 0
    out[i] = Math.max(0, logSum - weighted / sum);
  }
  return out;
}
