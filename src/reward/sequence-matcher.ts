import { describeType } from '../_lib/describe.js';
import { NO_ID, assertSequence, encodeSequence, type Encoding } from './intern.js';
import { findLongest, indexB, liveRows, newIndex, walkBlocks, type BIndex, type LiveRows } from './matcher-core.js';
import type { Sequence, Token } from './types.js';
import { assertIntegerInRange, assertOptions } from '../_lib/assert.js';
import { assertKnownKeys } from '../_lib/options.js';
import { beginComparison, endComparison } from './scoring-limits.js';

/**
 * A matching block: `a[a .. a + size)` equals `b[b .. b + size)`. Same fields as
 * Python's `difflib.Match` named tuple.
 */
export interface Match {
  /** Start of the block in the first sequence. */
  readonly a: number;
  /** Start of the block in the second sequence. */
  readonly b: number;
  /** Length of the block (0 only for the final sentinel block). */
  readonly size: number;
}

/** The tag of an opcode, as in Python's `get_opcodes()`. */
export type OpcodeTag = 'replace' | 'delete' | 'insert' | 'equal';

/**
 * One edit: `a[i1 .. i2)` should be changed as `tag` says to become `b[j1 .. j2)`.
 * A tuple, as in Python, so it destructures: `const [tag, i1, i2, j1, j2] = op`.
 */
export type Opcode = readonly [tag: OpcodeTag, i1: number, i2: number, j1: number, j2: number];

/** Options of {@link SequenceMatcher} (and {@link sequenceRatio}). */
export interface SequenceMatcherOptions {
  /**
   * Python's `isjunk`: called once per distinct element of the second sequence
   * (a one-character string for string sequences); elements for which it returns
   * a truthy value are junk. Default: no junk (`None` in Python).
   */
  readonly isjunk?: ((element: Token) => unknown) | null | undefined;
  /**
   * Python's `autojunk` heuristic (default `true`): when the second sequence has
   * 200 or more elements, every element occurring more than
   * `Math.floor(n / 100) + 1` times is "popular" and left out of the search for
   * the longest match (it can still extend a match at its ends).
   */
  readonly autojunk?: boolean | undefined;
}

const FN = 'SequenceMatcher';

/** The keys of {@link SequenceMatcherOptions}, for the unknown-option check. @internal */
export const SEQUENCE_MATCHER_OPTION_KEYS: readonly string[] = ['isjunk', 'autojunk'];

function ratioOf(matches: number, length: number): number {
  return length ? (2.0 * matches) / length : 1.0;
}

/**
 * An exact port of CPython's `difflib.SequenceMatcher`: for any two sequences it
 * finds the same matching blocks, opcodes and ratio (the same double) as Python.
 *
 * As in Python, the matcher caches what it learns about the second sequence, so
 * to compare one sequence against many, set it with {@link SequenceMatcher.setSeq2}
 * once and change the first with {@link SequenceMatcher.setSeq1}.
 *
 * Cost: building the index of `b` is linear; the matching is quadratic in the
 * worst case (many equal elements) and close to linear on ordinary text.
 *
 * @example
 * ```ts
 * import { SequenceMatcher } from 'srl-kit';
 * const sm = new SequenceMatcher('abxcd', 'abcd');
 * sm.ratio();            //=> 0.8888888888888888
 * sm.getMatchingBlocks(); //=> [{ a: 0, b: 0, size: 2 }, { a: 3, b: 2, size: 2 }, { a: 5, b: 4, size: 0 }]
 * sm.getOpcodes();        //=> [['equal', 0, 2, 0, 2], ['delete', 2, 3, 2, 2], ['equal', 3, 5, 2, 4]]
 * ```
 */
export class SequenceMatcher {
  readonly #isjunk: ((element: Token) => unknown) | null;
  readonly #autojunk: boolean;
  #a: Sequence = '';
  #b: Sequence = '';
  #encoding: Encoding = encodeSequence('', 'b', FN);
  #aIds: Int32Array = new Int32Array(0);
  /** The index of b (b2j and junk flags). */
  #index: BIndex = newIndex(new Int32Array(0), 0, null);
  /** How often each id occurs in b (Python's `fullbcount`). */
  #counts = new Int32Array(0);
  #bjunk: Set<Token> | null = null;
  #bpopular: Set<Token> | null = null;
  /** The rows of `a` whose element is in b2j, listed on first use. */
  #liveRows: LiveRows | null = null;
  #matchingBlocks: Match[] | null = null;
  #opcodes: Opcode[] | null = null;

  /**
   * @param a - The first sequence (default `''`).
   * @param b - The second sequence (default `''`); its index is built here.
   * @param options - `isjunk` and `autojunk`, as in Python.
   * @throws TypeError when a sequence is neither a string nor an array of tokens,
   *   or a token is not a string or a number (NaN included), or an option is unknown.
   */
  constructor(a: Sequence = '', b: Sequence = '', options: SequenceMatcherOptions = {}) {
    assertOptions(options, FN);
    assertKnownKeys(options, SEQUENCE_MATCHER_OPTION_KEYS, FN, 'options');
    const { isjunk = null, autojunk = true } = options;
    if (isjunk !== null && typeof isjunk !== 'function') {
      throw new TypeError(`${FN}: option 'isjunk' must be a function or null, got ${describeType(isjunk)}`);
    }
    if (typeof autojunk !== 'boolean') {
      throw new TypeError(`${FN}: option 'autojunk' must be a boolean, got ${describeType(autojunk)}`);
    }
    this.#isjunk = isjunk;
    this.#autojunk = autojunk;
    assertSequence(a, FN, 'a');
    this.#a = a;
    this.#setB(b);
  }

  /** The first sequence, as given. */
  get a(): Sequence {
    return this.#a;
  }

  /** The second sequence, as given. */
  get b(): Sequence {
    return this.#b;
  }

  /** Elements of `b` that `isjunk` marked as junk (Python's `bjunk`). */
  get bjunk(): ReadonlySet<Token> {
    this.#bjunk ??= this.#elementsWhere((id) => this.#index.isJunk?.[id] === 1);
    return this.#bjunk;
  }

  /** Elements of `b` that the autojunk rule marked as popular (Python's `bpopular`). */
  get bpopular(): ReadonlySet<Token> {
    const { isJunk, inB2j } = this.#index;
    this.#bpopular ??= this.#elementsWhere((id) => inB2j[id] === 0 && isJunk?.[id] !== 1 && (this.#counts[id] as number) > 0);
    return this.#bpopular;
  }

  #elementsWhere(test: (id: number) => boolean): Set<Token> {
    const out = new Set<Token>();
    for (const id of this.#encoding.firstOccurrenceOrder()) if (test(id)) out.add(this.#encoding.element(id));
    return out;
  }

  /**
   * Sets both sequences.
   * @example
   * ```ts
   * const sm = new SequenceMatcher();
   * sm.setSeqs('abc', 'abd');
   * sm.ratio(); //=> 0.6666666666666666
   * ```
   */
  setSeqs(a: Sequence, b: Sequence): void {
    this.setSeq1(a);
    this.setSeq2(b);
  }

  /**
   * Sets the first sequence; the index of the second is kept.
   * @example
   * ```ts
   * const sm = new SequenceMatcher('', 'expert step');
   * sm.setSeq1('expert stop');
   * sm.ratio(); //=> 0.9090909090909091
   * ```
   */
  setSeq1(a: Sequence): void {
    assertSequence(a, FN, 'a');
    // As in Python, setting the same object again keeps everything cached.
    if (a === this.#a) return;
    const ids = this.#encoding.lookup(a, 'a', FN);
    this.#a = a;
    this.#aIds = ids;
    this.#liveRows = null;
    this.#matchingBlocks = null;
    this.#opcodes = null;
  }

  /**
   * Sets the second sequence and builds its index (`b2j`, junk and popular sets).
   * @example
   * ```ts
   * const sm = new SequenceMatcher('expert stop');
   * sm.setSeq2('expert step');
   * sm.ratio(); //=> 0.9090909090909091
   * ```
   */
  setSeq2(b: Sequence): void {
    // As in Python, setting the same object again keeps the index.
    if (b === this.#b) return;
    this.#setB(b);
  }

  #setB(b: Sequence): void {
    assertSequence(b, FN, 'b');
    const encoding = encodeSequence(b, 'b', FN);
    const aIds = encoding.lookup(this.#a, 'a', FN);
    const bIds = encoding.ids;
    const nIds = encoding.size;
    const counts = new Int32Array(nIds);
    for (let j = 0; j < bIds.length; j++) counts[bIds[j]]++;
    let isJunk: Uint8Array | null = null;
    const isjunk = this.#isjunk;
    if (isjunk) {
      // Asked once per distinct element, in order of first occurrence, as Python walks its dict's keys.
      for (const id of encoding.firstOccurrenceOrder()) {
        if (isjunk(encoding.element(id))) {
          isJunk ??= new Uint8Array(nIds);
          isJunk[id] = 1;
        }
      }
    }
    const index = newIndex(bIds, nIds, isJunk);
    indexB(index, nIds, counts, this.#autojunk);
    this.#encoding = encoding;
    this.#b = b;
    this.#aIds = aIds;
    this.#index = index;
    this.#counts = counts;
    this.#bjunk = null;
    this.#bpopular = null;
    this.#liveRows = null;
    this.#matchingBlocks = null;
    this.#opcodes = null;
  }

  /**
   * Finds the longest matching block in `a[alo .. ahi)` and `b[blo .. bhi)`, with
   * Python's tie-breaking (earliest in `a`, then earliest in `b`) and junk rules.
   * Returns `{ a: alo, b: blo, size: 0 }` when nothing matches.
   * @throws RangeError when a bound is not an integer with `0 <= alo <= ahi <= a.length` (likewise for b).
   * @example
   * ```ts
   * new SequenceMatcher(' abcd', 'abcd abcd').findLongestMatch(0, 5, 0, 9);
   * //=> { a: 0, b: 4, size: 5 }
   * ```
   */
  findLongestMatch(alo = 0, ahi?: number, blo = 0, bhi?: number): Match {
    const aIds = this.#aIds;
    const la = aIds.length;
    const lb = this.#index.n;
    const aHi = ahi ?? la;
    const bHi = bhi ?? lb;
    assertIntegerInRange(aHi, 0, la, `${FN}.findLongestMatch`, 'ahi');
    assertIntegerInRange(alo, 0, aHi, `${FN}.findLongestMatch`, 'alo');
    assertIntegerInRange(bHi, 0, lb, `${FN}.findLongestMatch`, 'bhi');
    assertIntegerInRange(blo, 0, bHi, `${FN}.findLongestMatch`, 'blo');
    const found = new Int32Array(3);
    const live = this.#live();
    const owned = beginComparison(`${FN}.findLongestMatch`, this.#a, this.#b, '', Infinity);
    try {
      findLongest(this.#index, aIds, live, alo, aHi, blo, bHi, found);
    } finally {
      endComparison(owned);
    }
    return { a: found[0] as number, b: found[1] as number, size: found[2] as number };
  }

  /** The rows of `a` whose element is in b2j. */
  #live(): LiveRows {
    this.#liveRows ??= liveRows(this.#index, this.#aIds, this.#aIds.length, new Int32Array(this.#aIds.length));
    return this.#liveRows;
  }

  /**
   * The matching blocks, ascending, adjacent blocks merged, ending with the
   * sentinel `{ a: a.length, b: b.length, size: 0 }` (Python's `get_matching_blocks()`).
   * @example
   * ```ts
   * new SequenceMatcher('abxcd', 'abcd').getMatchingBlocks();
   * //=> [{ a: 0, b: 0, size: 2 }, { a: 3, b: 2, size: 2 }, { a: 5, b: 4, size: 0 }]
   * ```
   */
  getMatchingBlocks(): Match[] {
    if (this.#matchingBlocks === null) {
      const triples: number[][] = [];
      const owned = beginComparison(`${FN}.getMatchingBlocks`, this.#a, this.#b, '', Infinity);
      try {
        walkBlocks(this.#index, this.#aIds, this.#aIds.length, this.#live(), (i, j, k) => triples.push([i, j, k]));
      } finally {
        endComparison(owned);
      }
      // Blocks never overlap and are increasing in both sequences, so sorting by a suffices.
      triples.sort((x, y) => (x[0] as number) - (y[0] as number));
      const blocks: Match[] = [];
      let i1 = 0;
      let j1 = 0;
      let k1 = 0;
      for (const [i2, j2, k2] of triples as [number, number, number][]) {
        if (i1 + k1 === i2 && j1 + k1 === j2) {
          k1 += k2;
        } else {
          if (k1) blocks.push({ a: i1, b: j1, size: k1 });
          i1 = i2;
          j1 = j2;
          k1 = k2;
        }
      }
      if (k1) blocks.push({ a: i1, b: j1, size: k1 });
      blocks.push({ a: this.#aIds.length, b: this.#index.n, size: 0 });
      this.#matchingBlocks = blocks;
    }
    return this.#matchingBlocks.slice();
  }

  /**
   * The edits that turn `a` into `b` (Python's `get_opcodes()`).
   * @example
   * ```ts
   * new SequenceMatcher('qabxcd', 'abycdf').getOpcodes();
   * //=> [['delete', 0, 1, 0, 0], ['equal', 1, 3, 0, 2], ['replace', 3, 4, 2, 3],
   * //    ['equal', 4, 6, 3, 5], ['insert', 6, 6, 5, 6]]
   * ```
   */
  getOpcodes(): Opcode[] {
    if (this.#opcodes === null) {
      let i = 0;
      let j = 0;
      const answer: Opcode[] = [];
      for (const { a: ai, b: bj, size } of this.getMatchingBlocks()) {
        let tag: OpcodeTag | '' = '';
        if (i < ai && j < bj) tag = 'replace';
        else if (i < ai) tag = 'delete';
        else if (j < bj) tag = 'insert';
        if (tag) answer.push([tag, i, ai, j, bj]);
        i = ai + size;
        j = bj + size;
        if (size) answer.push(['equal', ai, i, bj, j]);
      }
      this.#opcodes = answer;
    }
    return this.#opcodes.slice();
  }

  /**
   * Groups of opcodes with up to `n` lines of context, as for a unified diff
   * (Python's `get_grouped_opcodes(n)`). Unlike CPython, it leaves the cached
   * opcodes untouched (CPython rewrites the first and last opcode of its cache).
   * @example
   * ```ts
   * const groups = new SequenceMatcher('abcdefghij', 'abcdXfghij').getGroupedOpcodes(1);
   * //=> [[['equal', 3, 4, 3, 4], ['replace', 4, 5, 4, 5], ['equal', 5, 6, 5, 6]]]
   * ```
   */
  getGroupedOpcodes(n = 3): Opcode[][] {
    assertIntegerInRange(n, 0, Number.MAX_SAFE_INTEGER, `${FN}.getGroupedOpcodes`, 'n');
    let codes: Opcode[] = this.getOpcodes();
    if (codes.length === 0) codes = [['equal', 0, 1, 0, 1]];
    const first = codes[0] as Opcode;
    if (first[0] === 'equal') {
      const [tag, i1, i2, j1, j2] = first;
      codes[0] = [tag, Math.max(i1, i2 - n), i2, Math.max(j1, j2 - n), j2];
    }
    const lastIndex = codes.length - 1;
    const last = codes[lastIndex] as Opcode;
    if (last[0] === 'equal') {
      const [tag, i1, i2, j1, j2] = last;
      codes[lastIndex] = [tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)];
    }
    const nn = n + n;
    const groups: Opcode[][] = [];
    let group: Opcode[] = [];
    for (const code of codes) {
      let [tag, i1, i2, j1, j2] = code;
      if (tag === 'equal' && i2 - i1 > nn) {
        group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
        groups.push(group);
        group = [];
        i1 = Math.max(i1, i2 - n);
        j1 = Math.max(j1, j2 - n);
      }
      group.push([tag, i1, i2, j1, j2]);
    }
    if (group.length > 0 && !(group.length === 1 && (group[0] as Opcode)[0] === 'equal')) groups.push(group);
    return groups;
  }

  /**
   * The similarity `2 * M / T`, where `M` is the number of matched elements and `T`
   * the total number of elements in both sequences (1 when both are empty). The
   * same double as Python's `ratio()`.
   * @example
   * ```ts
   * new SequenceMatcher('abcd', 'bcde').ratio(); //=> 0.75
   * ```
   */
  ratio(): number {
    const la = this.#aIds.length;
    const lb = this.#index.n;
    let matches = 0;
    if (this.#matchingBlocks !== null) {
      for (const block of this.#matchingBlocks) matches += block.size;
    } else {
      const owned = beginComparison(`${FN}.ratio`, this.#a, this.#b, '', Infinity);
      try {
        matches = walkBlocks(this.#index, this.#aIds, la, this.#live(), null);
      } finally {
        endComparison(owned);
      }
    }
    return ratioOf(matches, la + lb);
  }

  /**
   * An upper bound on {@link SequenceMatcher.ratio} from element counts alone
   * (Python's `quick_ratio()`).
   * @example
   * ```ts
   * new SequenceMatcher('abcd', 'dcba').quickRatio(); //=> 1
   * ```
   */
  quickRatio(): number {
    const aIds = this.#aIds;
    const bIds = this.#index.bIds;
    const avail = this.#counts.slice();
    let matches = 0;
    for (let i = 0; i < aIds.length; i++) {
      const id = aIds[i];
      if (id !== NO_ID && avail[id]-- > 0) matches++;
    }
    return ratioOf(matches, aIds.length + bIds.length);
  }

  /**
   * A cheaper upper bound on {@link SequenceMatcher.ratio} from the lengths alone
   * (Python's `real_quick_ratio()`).
   * @example
   * ```ts
   * new SequenceMatcher('abcd', 'ab').realQuickRatio(); //=> 0.6666666666666666
   * ```
   */
  realQuickRatio(): number {
    const la = this.#aIds.length;
    const lb = this.#index.n;
    return ratioOf(Math.min(la, lb), la + lb);
  }
}
