import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveLcsLength } from '../../test/reference/naive-lcs.js';
import { lcsBitVector, popcount32, zeroBits } from './lcs-bit-vector.js';
import { meter } from './scoring-limits.js';

/** The LCS table's last row by the plain dynamic programme: row[j] = LCS(text, pattern[0 .. j)). */
function naiveRow(text: readonly number[], pattern: readonly number[]): number[] {
  return Array.from({ length: pattern.length + 1 }, (_, j) => naiveLcsLength(text, pattern.slice(0, j)));
}

/** Row values read back from the bit vector (0 bits are the steps up). */
function rowOf(V: Int32Array, m: number): number[] {
  const row = [0];
  for (let j = 0; j < m; j++) row.push((row[j] as number) + ((((V[j >>> 5] as number) >>> (j & 31)) & 1) ^ 1));
  return row;
}

describe('lcsBitVector', () => {
  it('holds the whole last row of the LCS table, forwards and backwards', () => {
    const arr = fc.array(fc.nat(3), { maxLength: 100 });
    fc.assert(
      fc.property(arr, arr, fc.boolean(), (text, pattern, reverse) => {
        const t = reverse ? text.slice().reverse() : text;
        const p = reverse ? pattern.slice().reverse() : pattern;
        expect(rowOf(lcsBitVector(text, 0, text.length, pattern, 0, pattern.length, reverse), pattern.length)).toEqual(naiveRow(t, p));
      }),
      { numRuns: 300 },
    );
  });

  it('reads only the given ranges', () => {
    const text = [9, 1, 2, 3, 9];
    const pattern = [8, 3, 2, 1, 8, 8];
    const V = lcsBitVector(text, 1, 4, pattern, 1, 4, false);
    expect(zeroBits(V, 3)).toBe(naiveLcsLength([1, 2, 3], [3, 2, 1]));
  });

  it('is exact when rare elements are masked on the fly (a pattern too varied for a mask per element)', () => {
    // 20,000 pattern elements over 15,000 values: a mask row each would be ~9,000 x 625 words,
    // over the table limit, so elements seen fewer than 3 times are masked per row.
    let seed = 5;
    const next = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const pattern = Array.from({ length: 20_000 }, () => next(15_000));
    const text = Array.from({ length: 250 }, (_, i) => (i % 5 === 0 ? pattern[next(pattern.length)] : next(15_000)) as number);
    expect(zeroBits(lcsBitVector(text, 0, text.length, pattern, 0, pattern.length, false), pattern.length)).toBe(naiveLcsLength(text, pattern));
    // The same through a Map (values too large for the lookup table).
    const big = (x: number) => x * 1024 + 2 ** 21;
    expect(zeroBits(lcsBitVector(text.map(big), 0, text.length, pattern.map(big), 0, pattern.length, false), pattern.length)).toBe(
      naiveLcsLength(text, pattern),
    );
  });

  it('counts one work unit per (row whose element is in the pattern, 4 words of 32 bits)', () => {
    const text = [0, 5, 1, 7, 2, 2, 9]; // 4 rows hold an element of the pattern
    for (const [length, units] of [[70, 1], [128, 1], [129, 2], [300, 3], [513, 5]] as const) {
      const pattern = Array.from({ length }, (_, i) => i % 3);
      const before = meter.work;
      lcsBitVector(text, 0, text.length, pattern, 0, pattern.length, false);
      expect(meter.work - before).toBe(4 * units);
    }
  });

  it('popcount32 counts bits', () => {
    expect([0, 1, -1, 0x80000000 | 0, 0x0f0f0f0f, 0x12345678].map(popcount32)).toEqual([0, 1, 32, 1, 16, 13]);
  });
});
