import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SequenceMatcher, type Opcode } from './sequence-matcher.js';
import { sequenceRatio } from './sequence-ratio.js';
import type { Token } from './types.js';

// Expected values in this file are the outputs of CPython's difflib (its
// documentation's doctests, or python3 runs noted beside them), not of this code.

describe('SequenceMatcher: CPython documentation examples', () => {
  it('find_longest_match without and with junk', () => {
    expect(new SequenceMatcher(' abcd', 'abcd abcd').findLongestMatch(0, 5, 0, 9)).toEqual({ a: 0, b: 4, size: 5 });
    const junk = new SequenceMatcher(' abcd', 'abcd abcd', { isjunk: (x) => x === ' ' });
    expect(junk.findLongestMatch(0, 5, 0, 9)).toEqual({ a: 1, b: 0, size: 4 });
    expect(new SequenceMatcher('ab', 'c').findLongestMatch(0, 2, 0, 1)).toEqual({ a: 0, b: 0, size: 0 });
    expect(new SequenceMatcher(' abcd', 'abcd abcd').findLongestMatch()).toEqual({ a: 0, b: 4, size: 5 });
  });

  it('get_matching_blocks', () => {
    expect(new SequenceMatcher('abxcd', 'abcd').getMatchingBlocks()).toEqual([
      { a: 0, b: 0, size: 2 },
      { a: 3, b: 2, size: 2 },
      { a: 5, b: 4, size: 0 },
    ]);
  });

  it('get_opcodes', () => {
    expect(new SequenceMatcher('qabxcd', 'abycdf').getOpcodes()).toEqual([
      ['delete', 0, 1, 0, 0],
      ['equal', 1, 3, 0, 2],
      ['replace', 3, 4, 2, 3],
      ['equal', 4, 6, 3, 5],
      ['insert', 6, 6, 5, 6],
    ]);
  });

  it('ratio, quick_ratio, real_quick_ratio', () => {
    const s = new SequenceMatcher('abcd', 'bcde');
    expect(s.ratio()).toBe(0.75);
    expect(s.quickRatio()).toBe(0.75);
    expect(s.realQuickRatio()).toBe(1.0);
    const t = new SequenceMatcher(
      'private Thread currentThread;',
      'private volatile Thread currentThread;',
      { isjunk: (x) => x === ' ' },
    );
    expect(Math.round(t.ratio() * 1000) / 1000).toBe(0.866);
  });

  it('the set_seq1 / set_seq2 caching pattern gives the same answers', () => {
    const s = new SequenceMatcher('', 'abcd');
    s.setSeq1('bcde');
    expect(s.ratio()).toBe(0.75);
    s.setSeq1('abcd');
    expect(s.ratio()).toBe(1);
    s.setSeq2('bcde');
    expect(s.ratio()).toBe(0.75);
    s.setSeqs('', '');
    expect(s.ratio()).toBe(1);
    expect(s.getOpcodes()).toEqual([]);
    expect(s.getGroupedOpcodes()).toEqual([]);
  });
});

describe('SequenceMatcher: elements as Python sees them', () => {
  it('compares strings per code point (python3: ratio of "a😀b" and "a😃b" is 2*2/6)', () => {
    const s = new SequenceMatcher('a😀b', 'a😃b');
    expect(s.ratio()).toBe(0.6666666666666666);
    expect(s.getOpcodes()).toEqual([
      ['equal', 0, 1, 0, 1],
      ['replace', 1, 2, 1, 2],
      ['equal', 2, 3, 2, 3],
    ]);
  });

  it('counts a lone surrogate as one element', () => {
    const s = new SequenceMatcher('x\ud800y', 'xy');
    expect(s.getOpcodes()).toEqual([
      ['equal', 0, 1, 0, 1],
      ['delete', 1, 2, 1, 1],
      ['equal', 2, 3, 1, 2],
    ]);
    expect(s.ratio()).toBe(0.8);
  });

  it('matches a one-character string token with a string element, never a number with a string', () => {
    expect(new SequenceMatcher('ab', ['a', 'b']).ratio()).toBe(1);
    expect(new SequenceMatcher([1, 2, 3], ['1', '2', '3']).ratio()).toBe(0);
    expect(new SequenceMatcher(['ls', '-la'], ['ls', '-l']).ratio()).toBe(0.5);
    expect(new SequenceMatcher([0, -0], [-0, 0]).ratio()).toBe(1);
  });

  it('exposes bjunk and bpopular', () => {
    const b = 'ab'.repeat(50) + 'c'.repeat(100) + 'd';
    const s = new SequenceMatcher('abc', b, { isjunk: (x) => x === 'd' });
    expect([...s.bjunk]).toEqual(['d']);
    expect([...s.bpopular].sort()).toEqual(['a', 'b', 'c']);
    expect(new SequenceMatcher('abc', b, { autojunk: false }).bpopular.size).toBe(0);
  });

  it('lets popular elements extend a match (python3: SequenceMatcher(None, "a"*300, "a"*300).ratio() == 1.0)', () => {
    expect(new SequenceMatcher('a'.repeat(300), 'a'.repeat(300)).ratio()).toBe(1);
  });
});

describe('SequenceMatcher: bad input', () => {
  it('rejects sequences and tokens of the wrong type, naming them', () => {
    expect(() => new SequenceMatcher(42 as never, 'b')).toThrow(/argument 'a' must be a string or an array of tokens, got number/);
    expect(() => new SequenceMatcher('a', null as never)).toThrow(/argument 'b' must be a string or an array of tokens, got null/);
    expect(() => new SequenceMatcher(['x', {} as never], [])).toThrow(/a\[1\] must be a string or a number, got object/);
    expect(() => new SequenceMatcher([], [1, Number.NaN])).toThrow(/b\[1\] is NaN/);
    expect(() => new SequenceMatcher('a', 'b', { autojunk: 'yes' as never })).toThrow(/option 'autojunk' must be a boolean/);
    expect(() => new SequenceMatcher('a', 'b', { isjunk: 'x' as never })).toThrow(/option 'isjunk' must be a function or null/);
  });

  it('rejects bounds outside the sequences instead of reading past them', () => {
    const s = new SequenceMatcher('abc', 'abc');
    expect(() => s.findLongestMatch(0, 4)).toThrow(RangeError);
    expect(() => s.findLongestMatch(2, 1)).toThrow(/'alo' must be an integer in \[0, 1\]/);
    expect(() => s.findLongestMatch(0, 3, 0.5)).toThrow(/'blo'/);
    expect(() => s.getGroupedOpcodes(-1)).toThrow(/'n'/);
  });
});

/** Applies opcodes to a to rebuild b. */
function rebuild<T>(a: readonly T[], b: readonly T[], ops: readonly Opcode[]): T[] {
  const out: T[] = [];
  for (const [tag, i1, i2, j1, j2] of ops) {
    if (tag === 'equal') {
      expect(a.slice(i1, i2)).toEqual(b.slice(j1, j2));
      out.push(...a.slice(i1, i2));
    } else if (tag !== 'delete') {
      out.push(...b.slice(j1, j2));
    }
  }
  return out;
}

describe('SequenceMatcher: properties', () => {
  const small = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', 'é', '😀'), maxLength: 260 });
  const tokens = fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom('x', 'y', 'zz')), { maxLength: 260 });
  const autojunk = fc.boolean();

  it('ratio is in [0, 1] and bounded by quickRatio and realQuickRatio', () => {
    fc.assert(
      fc.property(small, small, autojunk, (a, b, aj) => {
        const s = new SequenceMatcher(a, b, { autojunk: aj });
        const r = s.ratio();
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(1);
        expect(r).toBeLessThanOrEqual(s.quickRatio());
        expect(s.quickRatio()).toBeLessThanOrEqual(s.realQuickRatio());
      }),
      { numRuns: 300 },
    );
  });

  it('a sequence compared with itself has ratio 1 when autojunk is off', () => {
    fc.assert(
      fc.property(fc.oneof(small, tokens), (a) => {
        expect(new SequenceMatcher(a, a, { autojunk: false }).ratio()).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('matching blocks really match, increase, and sum to the ratio', () => {
    fc.assert(
      fc.property(fc.oneof(small, tokens), fc.oneof(small, tokens), autojunk, (a, b, aj) => {
        const s = new SequenceMatcher(a, b, { autojunk: aj });
        const ea: Token[] = typeof a === 'string' ? Array.from(a) : a;
        const eb: Token[] = typeof b === 'string' ? Array.from(b) : b;
        const blocks = s.getMatchingBlocks();
        let prevA = 0;
        let prevB = 0;
        let total = 0;
        for (const { a: i, b: j, size } of blocks) {
          expect(i).toBeGreaterThanOrEqual(prevA);
          expect(j).toBeGreaterThanOrEqual(prevB);
          for (let k = 0; k < size; k++) expect(ea[i + k]).toBe(eb[j + k]);
          prevA = i + size;
          prevB = j + size;
          total += size;
        }
        expect(blocks.at(-1)).toEqual({ a: ea.length, b: eb.length, size: 0 });
        const length = ea.length + eb.length;
        expect(s.ratio()).toBe(length ? (2 * total) / length : 1);
      }),
      { numRuns: 300 },
    );
  });

  it('opcodes rebuild b from a', () => {
    fc.assert(
      fc.property(fc.oneof(small, tokens), fc.oneof(small, tokens), autojunk, (a, b, aj) => {
        const ea: Token[] = typeof a === 'string' ? Array.from(a) : a;
        const eb: Token[] = typeof b === 'string' ? Array.from(b) : b;
        expect(rebuild(ea, eb, new SequenceMatcher(a, b, { autojunk: aj }).getOpcodes())).toEqual(eb);
      }),
      { numRuns: 300 },
    );
  });
});

describe('SequenceMatcher and sequenceRatio options', () => {
  it('rejects unknown (misspelled) options, naming the nearest valid one', () => {
    expect(() => new SequenceMatcher('a', 'b', { autoJunk: false } as never)).toThrow(
      new TypeError("SequenceMatcher: unknown option 'autoJunk' in 'options' (did you mean 'autojunk'?); valid options: isjunk, autojunk"),
    );
    expect(() => sequenceRatio('a', 'b', { isJunk: null } as never)).toThrow(
      new TypeError("sequenceRatio: unknown option 'isJunk' in 'options' (did you mean 'isjunk'?); valid options: isjunk, autojunk"),
    );
  });
});
