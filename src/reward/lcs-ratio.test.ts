import { diffArrays } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePointArray, naiveLcsLength } from '../../test/reference/naive-lcs.js';
import { lcsLength, lcsRatio } from './lcs-ratio.js';

// Every expected LCS here comes from the plain O(n * m) dynamic programme in
// test/reference/naive-lcs.ts (or, once, from the diff package's Myers diff).

/** Lengths around the 32-bit word boundaries, and some others. */
const lengths = fc.oneof(
  fc.constantFrom(0, 1, 2, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129, 160, 191, 192, 193),
  fc.integer({ min: 0, max: 300 }),
);

/** An id array over `sigma` symbols. */
const ids = (sigma: number) => lengths.chain((n) => fc.array(fc.integer({ min: 0, max: sigma - 1 }), { minLength: n, maxLength: n }));

/** Two id arrays over the same alphabet: 1, 2, 4, 26 or many symbols. */
const pairs = fc.constantFrom(1, 2, 4, 26, 1000).chain((sigma) => fc.tuple(ids(sigma), ids(sigma)));

/** Two arrays where the second is an edited copy of the first (long common runs, a shared prefix or suffix). */
const nearCopies = fc
  .tuple(ids(4), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 })), { maxLength: 8 }))
  .map(([a, edits]) => {
    const b = a.slice();
    for (const [at, kind, x] of edits) {
      const i = b.length === 0 ? 0 : at % b.length;
      if (kind === 0) b.splice(i, 1);
      else if (kind === 1) b.splice(i, 0, x);
      else b[i] = x;
    }
    return [a, b] as const;
  });

describe('lcsLength (bit-vector LCS)', () => {
  it('equals the O(n*m) dynamic programme on random arrays, lengths around multiples of 32', () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        expect(lcsLength(a, b)).toBe(naiveLcsLength(a, b));
      }),
      { numRuns: 600 },
    );
  });

  it('equals the dynamic programme on edited copies (prefixes and suffixes in common)', () => {
    fc.assert(
      fc.property(nearCopies, fc.boolean(), ([a, b], swap) => {
        const [x, y] = swap ? [b, a] : [a, b];
        expect(lcsLength(x, y)).toBe(naiveLcsLength(x, y));
      }),
      { numRuns: 300 },
    );
  });

  it('handles empty and equal inputs', () => {
    expect(lcsLength([], [])).toBe(0);
    expect(lcsLength([1, 2, 3], [])).toBe(0);
    expect(lcsLength([], [1, 2, 3])).toBe(0);
    for (const n of [1, 31, 32, 33, 64, 65, 1000]) {
      const a = Array.from({ length: n }, (_, i) => (i * 7) % 5);
      expect(lcsLength(a, a.slice())).toBe(n);
    }
  });

  it('compares any numbers with ===: negative, fractional, large ids, NaN never equal', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([-1, -2, 3], [0.5, 1.5, 2], [2 ** 20, 2 ** 31, 7], [Number.NaN, 1, 2], [-0, 0, 1]),
        fc.array(fc.nat(2), { maxLength: 80 }),
        fc.array(fc.nat(2), { maxLength: 80 }),
        (alphabet, x, y) => {
          const a = x.map((k) => alphabet[k] as number);
          const b = y.map((k) => alphabet[k] as number);
          expect(lcsLength(a, b)).toBe(naiveLcsLength(a, b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same LCS as the diff package Myers diff (the previous implementation)', () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        let common = 0;
        for (const change of diffArrays(a, b)) if (!change.added && !change.removed) common += change.count;
        expect(lcsLength(a, b)).toBe(common);
      }),
      { numRuns: 200 },
    );
  });

  it('is exact on long random strings (2 and 26 letters, 2,000 code points)', () => {
    let seed = 11;
    const next = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (const sigma of [2, 26]) {
      const a = Array.from({ length: 2000 }, () => next(sigma));
      const b = Array.from({ length: 1900 }, () => next(sigma));
      expect(lcsLength(a, b)).toBe(naiveLcsLength(a, b));
    }
  });
});

describe('lcsRatio', () => {
  it('is 2 * LCS / (|a| + |b|) per code point, astral characters and lone surrogates included', () => {
    const chars = ['a', 'b', 'é', '😀', '𝔘', '\ud800', '\udc00', ' '];
    const text = fc.array(fc.constantFrom(...chars), { maxLength: 90 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const x = codePointArray(a);
        const y = codePointArray(b);
        const total = x.length + y.length;
        expect(lcsRatio(a, b)).toBe(total ? (2 * naiveLcsLength(x, y)) / total : 1);
      }),
      { numRuns: 300 },
    );
  });

  it('compares token arrays by value (1 is not "1"; a one-character token equals that character)', () => {
    const token = fc.constantFrom<string | number>('ls', '-la', 'a', 1, '1', 2, 'cd');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 70 }), fc.array(token, { maxLength: 70 }), (a, b) => {
        const total = a.length + b.length;
        expect(lcsRatio(a, b)).toBe(total ? (2 * naiveLcsLength(a, b)) / total : 1);
      }),
      { numRuns: 200 },
    );
    expect(lcsRatio(['a', 'b'], 'ab')).toBe(1);
    expect(lcsRatio([1], ['1'])).toBe(0);
  });

  it('keeps its documented values and errors', () => {
    expect(lcsRatio('abcd', 'acbd')).toBe(0.75);
    expect(lcsRatio('', '')).toBe(1);
    expect(() => lcsRatio(3 as never, 'a')).toThrow(/lcsRatio: argument 'a' must be a string or an array of tokens, got number/);
    expect(() => lcsRatio(['a'], [Number.NaN])).toThrow(/lcsRatio: b\[0\] is NaN/);
  });
});
