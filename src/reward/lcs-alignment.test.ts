import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveLcsLength } from '../../test/reference/naive-lcs.js';
import { DELETE, EQUAL, INSERT, lcsAlignment } from './lcs-alignment.js';

/** Rebuilds a and b from the runs and counts the equal elements; checks the equal runs really match. */
function replay(runs: readonly number[], a: readonly number[], b: readonly number[]): { a: number[]; b: number[]; equal: number } {
  const outA: number[] = [];
  const outB: number[] = [];
  let equal = 0;
  let i = 0;
  let j = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const op = runs[r] as number;
    const length = runs[r + 1] as number;
    expect(length).toBeGreaterThan(0);
    for (let k = 0; k < length; k++) {
      if (op === EQUAL) {
        expect(a[i]).toBe(b[j]);
        outA.push(a[i++] as number);
        outB.push(b[j++] as number);
        equal++;
      } else if (op === DELETE) outA.push(a[i++] as number);
      else if (op === INSERT) outB.push(b[j++] as number);
      else throw new Error(`bad op ${op}`);
    }
  }
  return { a: outA, b: outB, equal };
}

describe('lcsAlignment', () => {
  it('is an alignment of a and b whose equal runs are a longest common subsequence', () => {
    // Up to 400 x 400: above the plain-table size, so the divide and conquer runs.
    const arr = fc.oneof(fc.array(fc.nat(3), { maxLength: 400 }), fc.array(fc.nat(30), { maxLength: 150 }));
    fc.assert(
      fc.property(arr, arr, (a, b) => {
        const got = replay(lcsAlignment(a, b), a, b);
        expect(got.a).toEqual(a);
        expect(got.b).toEqual(b);
        expect(got.equal).toBe(naiveLcsLength(a, b));
      }),
      { numRuns: 120 },
    );
  });

  it('handles empty and equal inputs', () => {
    expect(lcsAlignment([], [])).toEqual([]);
    expect(lcsAlignment([1, 2], [])).toEqual([DELETE, 2]);
    expect(lcsAlignment([], [1, 2])).toEqual([INSERT, 2]);
    expect(lcsAlignment([1, 2, 3], [1, 2, 3])).toEqual([EQUAL, 3]);
  });
});
