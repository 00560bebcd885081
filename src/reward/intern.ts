import { codePoints } from '../_lib/code-points.js';
import { describeType } from '../_lib/describe.js';
import type { Sequence, Token } from './types.js';

/**
 * Throws a `TypeError` naming the function and argument unless `value` is a string
 * or an array (its tokens are checked when encoded).
 * @internal
 */
export function assertSequence(value: unknown, fn: string, arg: string): asserts value is Sequence {
  if (typeof value !== 'string' && !Array.isArray(value)) {
    throw new TypeError(`${fn}: argument '${arg}' must be a string or an array of tokens, got ${describeType(value)}`);
  }
}

/** The id of an element of another sequence that the encoded one does not hold. @internal */
export const NO_ID = -1;

/**
 * Strings whose code points are all below this limit use the code points
 * themselves as ids (no hashing at all); the id space, and so the index of the
 * second sequence, then has at most this many slots.
 */
export const DIRECT_LIMIT = 0x800;

/**
 * A sequence (the second one of a matcher) turned into dense integer ids, and the
 * means to map other sequences into the same ids. Equal elements get equal ids
 * with Python's notion of equality: a code point of a string equals a
 * one-character string token, a number token equals an equal number, and nothing
 * else is equal.
 * @internal
 */
export interface Encoding {
  /** The ids of the encoded sequence. */
  readonly ids: Int32Array;
  /** One more than the largest id. */
  readonly size: number;
  /** Maps another sequence to ids; elements the encoded sequence lacks get `NO_ID`. */
  lookup(seq: Sequence, arg: string, fn: string): Int32Array;
  /** The element of an id, as Python's `isjunk` and `bjunk` see it. */
  element(id: number): Token;
  /** Ids in order of first occurrence in the encoded sequence (Python's dict key order). */
  firstOccurrenceOrder(): number[];
}

/** The code point of a one-code-point string, or -1. */
function singleCodePoint(token: string): number {
  const first = token.codePointAt(0);
  if (first === undefined) return -1;
  return token.length === (first > 0xffff ? 2 : 1) ? first : -1;
}

function badToken(fn: string, arg: string, i: number, token: unknown): TypeError {
  if (typeof token === 'number') {
    return new TypeError(`${fn}: ${arg}[${i}] is NaN; a token must be a string or a number that equals itself`);
  }
  return new TypeError(`${fn}: ${arg}[${i}] must be a string or a number, got ${describeType(token)}`);
}

/** Ids are the code points themselves: for strings of small code points. */
class DirectEncoding implements Encoding {
  constructor(
    readonly ids: Int32Array,
    readonly size: number,
  ) {}

  lookup(seq: Sequence, arg: string, fn: string): Int32Array {
    const size = this.size;
    if (typeof seq === 'string') {
      const out = codePoints(seq);
      for (let i = 0; i < out.length; i++) if (out[i] >= size) out[i] = NO_ID;
      return out;
    }
    const out = new Int32Array(seq.length);
    for (let i = 0; i < seq.length; i++) {
      const token = seq[i];
      if (typeof token === 'string') {
        const cp = singleCodePoint(token);
        out[i] = cp >= 0 && cp < size ? cp : NO_ID;
      } else if (typeof token === 'number' && !Number.isNaN(token)) {
        out[i] = NO_ID; // a number never equals a character
      } else {
        throw badToken(fn, arg, i, token);
      }
    }
    return out;
  }

  element(id: number): Token {
    return String.fromCodePoint(id);
  }

  firstOccurrenceOrder(): number[] {
    const seen = new Uint8Array(this.size);
    const order: number[] = [];
    for (const id of this.ids) {
      if (!seen[id]) {
        seen[id] = 1;
        order.push(id);
      }
    }
    return order;
  }
}

/** Ids from hash maps: for token arrays and strings with large code points. */
class MapEncoding implements Encoding {
  /** Single code points (from strings, and one-code-point string tokens). */
  readonly #chars = new Map<number, number>();
  /** Longer (or empty) string tokens. */
  readonly #strings = new Map<string, number>();
  /** Number tokens. */
  readonly #numbers = new Map<number, number>();
  /** The element of each id: a code point (number) for characters, else the token. */
  readonly #elements: { readonly cp: number; readonly token: Token | null }[] = [];
  readonly ids: Int32Array;

  constructor(seq: Sequence, arg: string, fn: string) {
    this.ids = this.#map(seq, arg, fn, true);
  }

  get size(): number {
    return this.#elements.length;
  }

  lookup(seq: Sequence, arg: string, fn: string): Int32Array {
    return this.#map(seq, arg, fn, false);
  }

  element(id: number): Token {
    const e = this.#elements[id];
    if (e === undefined) throw new RangeError(`no element with id ${id}`);
    return e.token ?? String.fromCodePoint(e.cp);
  }

  firstOccurrenceOrder(): number[] {
    // Ids are handed out in order of first occurrence.
    return Array.from({ length: this.size }, (_, k) => k);
  }

  #id<K>(table: Map<K, number>, key: K, add: boolean, cp: number, token: Token | null): number {
    let id = table.get(key);
    if (id === undefined) {
      if (!add) return NO_ID;
      id = this.#elements.length;
      table.set(key, id);
      this.#elements.push({ cp, token });
    }
    return id;
  }

  #map(seq: Sequence, arg: string, fn: string, add: boolean): Int32Array {
    if (typeof seq === 'string') {
      const out = codePoints(seq);
      for (let i = 0; i < out.length; i++) out[i] = this.#id(this.#chars, out[i] as number, add, out[i] as number, null);
      return out;
    }
    const out = new Int32Array(seq.length);
    for (let i = 0; i < seq.length; i++) {
      const token = seq[i];
      if (typeof token === 'string') {
        const cp = singleCodePoint(token);
        out[i] = cp >= 0 ? this.#id(this.#chars, cp, add, cp, null) : this.#id(this.#strings, token, add, -1, token);
      } else if (typeof token === 'number' && !Number.isNaN(token)) {
        out[i] = this.#id(this.#numbers, token, add, -1, token);
      } else {
        throw badToken(fn, arg, i, token);
      }
    }
    return out;
  }
}

/**
 * Encodes a sequence into dense ids. A string whose code points are all small is
 * encoded by its code points directly; anything else through hash maps.
 * @internal
 */
export function encodeSequence(seq: Sequence, arg: string, fn: string): Encoding {
  if (typeof seq === 'string') {
    const cps = codePoints(seq);
    let max = -1;
    for (let i = 0; i < cps.length; i++) if (cps[i] > max) max = cps[i] as number;
    if (max < DIRECT_LIMIT) return new DirectEncoding(cps, max + 1);
  }
  return new MapEncoding(seq, arg, fn);
}
