/**
 * Long inputs with long runs (near-identical text, repetitive text), where the
 * search looks only at every k-th row of a: checked against a naive transcription
 * of CPython's algorithm (test/reference/naive-difflib.ts) on random inputs, in
 * addition to the CPython fixtures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SequenceMatcher, sequenceRatio } from '../../src/index.js';
import { NaiveSequenceMatcher } from '../reference/naive-difflib.js';

/** A string and an edited copy: a few insertions, deletions and substitutions. */
const nearCopies = fc
  .record({
    alphabet: fc.constantFrom('ab', 'abc', 'ab ', 'abcdefgh  ', 'the quick brown fox', 'aaab'),
    length: fc.integer({ min: 0, max: 600 }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 2 }),
    edits: fc.integer({ min: 0, max: 12 }),
  })
  .map(({ alphabet, length, seed, edits }) => {
    let x = seed;
    const next = (n: number) => {
      x = (x * 48271) % 2147483647;
      return (x >> 4) % n;
    };
    const chars = Array.from({ length }, () => alphabet[next(alphabet.length)] as string);
    const copy = chars.slice();
    for (let e = 0; e < edits && copy.length > 0; e++) {
      const at = next(copy.length);
      const kind = next(3);
      if (kind === 0) copy.splice(at, 1);
      else if (kind === 1) copy.splice(at, 0, alphabet[next(alphabet.length)] as string);
      else copy[at] = alphabet[next(alphabet.length)] as string;
    }
    return [chars.join(''), copy.join('')] as const;
  });

describe('long runs: same answers as a naive transcription of CPython', () => {
  it('matching blocks and ratio, autojunk on and off, with and without junk', () => {
    fc.assert(
      fc.property(nearCopies, fc.boolean(), fc.boolean(), fc.boolean(), ([a, b], autojunk, swap, junk) => {
        const [x, y] = swap ? [b, a] : [a, b];
        const isjunk = junk ? (ch: string | number) => ch === ' ' : null;
        const naive = new NaiveSequenceMatcher(x, y, isjunk, autojunk);
        const sm = new SequenceMatcher(x, y, { isjunk, autojunk });
        expect(sm.getMatchingBlocks()).toEqual(naive.getMatchingBlocks());
        expect(sm.ratio()).toBe(naive.ratio());
        if (!junk) expect(sequenceRatio(x, y, { autojunk })).toBe(naive.ratio());
      }),
      { numRuns: 400 },
    );
  });

  it('findLongestMatch on random sub-ranges', () => {
    fc.assert(
      fc.property(nearCopies, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }), ([a, b], ranges) => {
        const naive = new NaiveSequenceMatcher(a, b, null, true);
        const sm = new SequenceMatcher(a, b);
        for (const [p, q, r, s] of ranges) {
          const [alo, ahi] = [p % (a.length + 1), q % (a.length + 1)].sort((u, v) => u - v) as [number, number];
          const [blo, bhi] = [r % (b.length + 1), s % (b.length + 1)].sort((u, v) => u - v) as [number, number];
          expect(sm.findLongestMatch(alo, ahi, blo, bhi)).toEqual(naive.findLongestMatch(alo, ahi, blo, bhi));
        }
      }),
      { numRuns: 300 },
    );
  });
});
