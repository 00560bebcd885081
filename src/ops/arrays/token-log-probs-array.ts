import { describeType } from '../../_lib/describe.js';
import type { NumberArray } from '../types.js';
import { checkLogits, rowLogSumExp } from './_logits.js';

/** Token ids as {@link tokenLogProbsArray} accepts them. */
export type TokenIdArray = Int32Array | Uint32Array | Uint16Array | Float64Array | readonly number[];

/**
 * The log-probability of each chosen token: `logits[n, ids[n]] - logsumexp(logits[n, :])`
 * (log-softmax, then gather; TRL `selective_log_softmax`, verl `logprobs_from_logits`).
 * Numerically stable: the row maximum is subtracted before `exp`, and everything is computed
 * in float64, so logits of 1e4 or rows that would overflow float32's `exp` are fine.
 *
 * `-Infinity` logits are allowed (tokens with probability 0); a chosen token with a
 * `-Infinity` logit gets `-Infinity` (log 0), which the loss ops then reject at valid
 * positions. Any other non-finite result (finite logits too far apart, ~1e308) throws, as
 * does an id that is not an integer in [0, V) (never truncated).
 *
 * @param logits - `[N, V]` flat, row-major: N positions, V vocabulary entries.
 * @param ids - N token ids, integers in [0, V).
 * @param shape - `[N, V]`.
 * @returns N log-probabilities.
 * @throws TypeError when an argument has the wrong type or the shape is malformed.
 * @throws RangeError when a length does not match the shape, an id is not an integer in
 *   [0, V), a logit is NaN or +Infinity, a row is all -Infinity, or a result overflows.
 * @example
 * ```ts
 * import { tokenLogProbsArray } from 'srl-kit/ops';
 * tokenLogProbsArray([0, 0, 1e4, 1e4], [1, 0], [2, 2]); //=> Float64Array [-0.6931471805599453, -0.6931471805599453]
 * ```
 */
export function tokenLogProbsArray(logits: NumberArray, ids: TokenIdArray, shape: readonly [number, number]): Float64Array {
  const fn = 'tokenLogProbsArray';
  const [rows, vocab] = checkLogits(logits, shape, fn);
  const isIds =
    Array.isArray(ids) || ids instanceof Int32Array || ids instanceof Uint32Array || ids instanceof Uint16Array || ids instanceof Float64Array;
  if (!isIds) {
    throw new TypeError(`${fn}: argument 'ids' must be an Int32Array, Uint32Array, Uint16Array, Float64Array or number[], got ${describeType(ids)}`);
  }
  if (ids.length !== rows) {
    throw new RangeError(`${fn}: argument 'ids' has shape [${ids.length}], but shape [${rows}, ${vocab}] needs ${rows} ids (one per row)`);
  }
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const id = ids[i] as number;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocab) {
      const got = typeof id === 'number' ? String(id) : describeType(id);
      throw new RangeError(`${fn}: ids[${i}] is ${got}, expected an integer in [0, ${vocab - 1}] (V = ${vocab})`);
    }
    const start = i * vocab;
    const { max, logSum } = rowLogSumExp(logits, start, vocab);
    const chosen = logits[start + id] as number;
    const v = chosen - max - logSum;
    // -Infinity is log 0 for a -Infinity logit; from finite logits it is an overflow
    if (v === Number.NEGATIVE_INFINITY && chosen !== Number.NEGATIVE_INFINITY) {
      throw new RangeError(
        `${fn}: the log-probability of row ${i} overflowed to -Infinity (logits[${i}, ${id}] = ${String(chosen)}, row maximum ${String(max)}); the logits are too far apart`,
      );
    }
    out[i] = v;
  }
  return out;
}
