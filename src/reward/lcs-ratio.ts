import { diffArrays } from 'diff';
import { assertSequence, encodeSequence } from './intern.js';
import type { Sequence } from './types.js';

const FN = 'lcsRatio';

/**
 * The length of a longest common subsequence of two id arrays, from the shortest
 * edit script that the `diff` package's Myers implementation finds (with no edit
 * limit, that script is minimal, so the common part is a longest one).
 * @internal
 */
export function lcsLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return 0;
  let common = 0;
  for (const change of diffArrays(Array.from(a), Array.from(b))) {
    if (!change.added && !change.removed) common += change.count;
  }
  return common;
}

/**
 * The longest-common-subsequence similarity `2 * LCS / (|a| + |b|)` (1 when both
 * are empty), computed exactly. Unlike {@link sequenceRatio} it is symmetric and
 * has no junk heuristics; it is at least as large as the difflib ratio.
 *
 * @param a - The first sequence (a string, per code point, or an array of tokens).
 * @param b - The second sequence.
 * @throws TypeError when a sequence is not a string or an array of strings and numbers.
 * @example
 * ```ts
 * import { lcsRatio } from 'srl-kit';
 * lcsRatio('abcd', 'acbd'); //=> 0.75
 * lcsRatio('', '');         //=> 1
 * ```
 */
export function lcsRatio(a: Sequence, b: Sequence): number {
  assertSequence(a, FN, 'a');
  assertSequence(b, FN, 'b');
  const encoding = encodeSequence(b, 'b', FN);
  const bIds = encoding.ids;
  const aIds = encoding.lookup(a, 'a', FN);
  const total = aIds.length + bIds.length;
  return total ? (2.0 * lcsLength(aIds, bIds)) / total : 1.0;
}
