import { assertOptions } from '../_lib/assert.js';
import { assertKnownKeys } from '../_lib/options.js';
import { difflibRatio } from './difflib-ratio.js';
import { beginComparison, endComparison } from './scoring-limits.js';
import { SEQUENCE_MATCHER_OPTION_KEYS, SequenceMatcher, type SequenceMatcherOptions } from './sequence-matcher.js';
import type { Sequence } from './types.js';

/**
 * The similarity of two sequences by CPython's `difflib`:
 * `sequenceRatio(a, b, { isjunk, autojunk })` is the same double as
 * `SequenceMatcher(isjunk, a, b, autojunk).ratio()` in Python. Strings are compared
 * per code point; arrays per token.
 *
 * @param a - The first sequence (in SRL: the model's action).
 * @param b - The second sequence (in SRL: the expert step); autojunk looks at this one.
 * @param options - Python's `isjunk` and `autojunk` (default `true`).
 * @returns A number in [0, 1]; 1 when both are empty.
 * @throws TypeError when a sequence is not a string or an array of strings and numbers,
 *   or an option is unknown.
 * @example
 * ```ts
 * import { sequenceRatio } from 'srl-kit';
 * sequenceRatio('x = 2 + 3', 'x = 2 + 4');               //=> 0.8888888888888888
 * sequenceRatio(['ls', '-la'], ['ls', '-l']);            //=> 0.5
 * // 'a' and 'b' are "popular" in a 300-element b, so autojunk changes the result:
 * sequenceRatio('ba'.repeat(10) + 'x', 'ab'.repeat(150));                      //=> 0
 * sequenceRatio('ba'.repeat(10) + 'x', 'ab'.repeat(150), { autojunk: false }); //=> 0.12461059190031153
 * ```
 */
export function sequenceRatio(a: Sequence, b: Sequence, options?: SequenceMatcherOptions): number {
  assertOptions(options, 'sequenceRatio');
  assertKnownKeys(options, SEQUENCE_MATCHER_OPTION_KEYS, 'sequenceRatio', 'options');
  const autojunk = options?.autojunk ?? true;
  const owned = beginComparison('sequenceRatio', a, b, '', Infinity);
  try {
    // Without isjunk, the one-shot path gives the same double without building a matcher.
    if ((options?.isjunk ?? null) === null && typeof autojunk === 'boolean') return difflibRatio(a, b, autojunk);
    return new SequenceMatcher(a, b, options).ratio();
  } finally {
    endComparison(owned);
  }
}
