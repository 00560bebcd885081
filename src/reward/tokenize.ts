import { describeType } from '../_lib/describe.js';
import { pySplit } from '../_lib/python-whitespace.js';
import type { Sequence, Token } from './types.js';

/**
 * What the reward compares: `'char'` (code points, the paper), `'word'` (Python's
 * `str.split()`: runs of whitespace separate words), or a tokenizer function that
 * returns an array of string or number tokens (e.g. a model tokenizer's ids).
 */
export type Granularity = 'char' | 'word' | ((text: string) => readonly Token[]);

/**
 * Turns a step into the sequence that the reward compares, at the given granularity.
 * `'char'` returns the string itself (it is compared per code point), `'word'`
 * returns `text.split()` as Python computes it (Python's whitespace set, which
 * differs from JavaScript's `\s` in U+001C..U+001F, U+0085 and U+FEFF).
 *
 * @throws TypeError when `text` is not a string, the granularity is unknown, or a
 *   tokenizer function does not return an array.
 * @example
 * ```ts
 * import { tokenize } from 'srl-kit';
 * tokenize('x  = 5\n', 'word'); //=> ['x', '=', '5']
 * tokenize('héllo', 'char');    //=> 'héllo'
 * ```
 */
export function tokenize(text: string, granularity: Granularity = 'char'): Sequence {
  return toSequence(text, granularity, 'tokenize');
}

/**
 * {@link tokenize}, with errors naming the calling function.
 * @internal
 */
export function toSequence(text: string, granularity: Granularity, fn: string): Sequence {
  if (typeof text !== 'string') {
    throw new TypeError(`${fn}: argument 'text' must be a string, got ${describeType(text)}`);
  }
  if (granularity === 'char') return text;
  if (granularity === 'word') return pySplit(text);
  if (typeof granularity === 'function') {
    const tokens: unknown = granularity(text);
    if (!Array.isArray(tokens)) {
      throw new TypeError(`${fn}: the granularity function must return an array of tokens, got ${describeType(tokens)}`);
    }
    return tokens as readonly Token[];
  }
  throw new TypeError(
    `${fn}: option 'granularity' must be 'char', 'word' or a function, got ${
      typeof granularity === 'string' ? JSON.stringify(granularity) : describeType(granularity)
    }`,
  );
}
