import { describe, expect, it } from 'vitest';
import { entropyFromLogitsArray } from './entropy-from-logits-array.js';

// The fixture comparison (test/fixtures/ops/logits.json, large logits included) and the
// finite-difference check of its gradient are in token-log-probs-array.test.ts, which reads
// the same cases for both functions.
describe('entropyFromLogitsArray', () => {
  it('computes the documented example: log V for equal logits, 0 for a one-hot row', () => {
    expect(Array.from(entropyFromLogitsArray([5, 5, 5, 5, 1e4, 0, 0, 0], [2, 4]))).toEqual([Math.log(4), 0]);
  });

  it('gives 0 for -Infinity entries and stays in [0, log V]', () => {
    const h = entropyFromLogitsArray([0, Number.NEGATIVE_INFINITY, 0, 3, 1, -2], [2, 3]);
    expect(h[0]).toBeCloseTo(Math.LN2, 15);
    expect(h[1]).toBeGreaterThan(0);
    expect(h[1]).toBeLessThan(Math.log(3));
    expect(entropyFromLogitsArray([], [0, 5]).length).toBe(0);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => entropyFromLogitsArray([0, Number.POSITIVE_INFINITY], [1, 2])).toThrow(
      /entropyFromLogitsArray: logits\[0, 1\] \(flat index 1\) is Infinity; logits must be finite or -Infinity/,
    );
    expect(() => entropyFromLogitsArray([0, 0], [2, 2])).toThrow(/argument 'logits' has shape \[2\] \(flat\), but shape \[2, 2\] needs 4/);
  });
});
