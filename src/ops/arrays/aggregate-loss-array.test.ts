import { describe, expect, it } from 'vitest';
import { aggregateLossArray } from './aggregate-loss-array.js';
import { overflowCases, type OverflowAggregateCase } from './_overflow-fixtures.js';

// The fixture cases of policy-loss-array.test.ts cover the modes on random data; these pin
// the formulas on small hand-checked inputs.
describe('aggregateLossArray', () => {
  const loss = [1, 2, 3, 4, 0, 0];
  const mask = [1, 1, 1, 1, 0, 0];

  it('computes the documented examples', () => {
    expect(aggregateLossArray(loss, mask, [2, 3], 'token-mean')).toBe(2.5);
    expect(aggregateLossArray(loss, mask, [2, 3], 'seq-mean-token-mean')).toBe(3);
    expect(aggregateLossArray(loss, mask, [2, 3], 'seq-mean-token-sum')).toBe(5);
    expect(aggregateLossArray(loss, mask, [2, 3], 'token-mean', { tokens: 10 })).toBe(1);
  });

  it('divides seq-mean-token-sum-norm by sequences times the constant (default T)', () => {
    // 10 / (2 rows * T 3)
    expect(aggregateLossArray(loss, mask, [2, 3], 'seq-mean-token-sum-norm')).toBeCloseTo(10 / 6, 15);
    // TRL dr_grpo: sum / (B * max_completion_length)
    expect(aggregateLossArray(loss, mask, [2, 3], 'seq-mean-token-sum-norm', { sequences: 2, constant: 5 })).toBe(1);
    // the older verl / rl-reference form: sum / K
    expect(aggregateLossArray(loss, mask, [2, 3], 'seq-mean-token-sum-norm', { sequences: 1, constant: 4 })).toBe(2.5);
  });

  it('leaves empty rows out of the sequence count, unless the normalizer says otherwise', () => {
    const l = [2, 2, 9, 9];
    const m = [1, 1, 0, 0];
    expect(aggregateLossArray(l, m, [2, 2], 'seq-mean-token-mean')).toBe(2);
    // TRL grpo averages over every row: pass sequences: B
    expect(aggregateLossArray(l, m, [2, 2], 'seq-mean-token-mean', { sequences: 2 })).toBe(1);
    expect(aggregateLossArray(l, m, [2, 2], 'seq-mean-token-sum')).toBe(4);
  });

  it('gives 0, not NaN, with nothing to divide by', () => {
    for (const mode of ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum', 'seq-mean-token-sum-norm'] as const) {
      expect(aggregateLossArray([5, 5], [0, 0], [1, 2], mode)).toBe(0);
      expect(aggregateLossArray([5, 5], [0, 0], [1, 2], mode, { tokens: 3, sequences: 2, constant: 4 })).toBe(0);
      expect(aggregateLossArray([], [], [0, 0], mode)).toBe(0);
    }
  });

  it('ignores padding whatever it holds and rejects non-finite valid values', () => {
    expect(aggregateLossArray([1, Number.NaN, Number.POSITIVE_INFINITY], [1, 0, 0], [1, 3], 'token-mean')).toBe(1);
    expect(() => aggregateLossArray([1, Number.NaN], [1, 1], [1, 2], 'token-mean')).toThrow(
      /aggregateLossArray: perToken\[0, 1\] \(flat index 1\) is NaN/,
    );
  });

  it('accepts typed arrays and typed masks', () => {
    expect(aggregateLossArray(Float32Array.from([0.5, 1.5]), new Uint8Array([1, 1]), [1, 2], 'token-mean')).toBe(1);
    expect(aggregateLossArray(Float64Array.from([0.5, 1.5]), new Int32Array([1, 0]), [1, 2], 'seq-mean-token-sum')).toBe(0.5);
  });

  it('rejects bad arguments, naming them and both shapes', () => {
    expect(() => aggregateLossArray([1, 2, 3], [1, 1, 1, 1], [2, 2], 'token-mean')).toThrow(
      /argument 'perToken' has shape \[3\] \(flat\), but shape \[2, 2\] needs 4 elements/,
    );
    expect(() => aggregateLossArray([1, 2], [1, 2], [1, 2], 'token-mean')).toThrow(/mask\[0, 1\] \(flat index 1\) is 2, expected 0 or 1/);
    expect(() => aggregateLossArray([1], [1], [1, 1], 'mean' as never)).toThrow(/argument 'mode' must be one of 'token-mean'/);
    expect(() => aggregateLossArray([1], [1], [1, 1], 'token-mean', { tokens: -1 })).toThrow(/'normalizer.tokens' must be a finite number > 0, got -1/);
    expect(() => aggregateLossArray([1], [1], [1] as never, 'token-mean')).toThrow(/argument 'shape' must be \[B, T\]/);
  });

  it('rejects unknown normalizer keys, naming the key and the nearest valid one', () => {
    expect(() => aggregateLossArray([1], [1], [1, 1], 'token-mean', { token: 4 } as never)).toThrow(
      "aggregateLossArray: unknown option 'token' in 'normalizer' (did you mean 'tokens'?); valid options: tokens, sequences, constant",
    );
  });

  it('throws when the result overflows, against the float64 edge fixtures', () => {
    for (const c of overflowCases<OverflowAggregateCase>('aggregate')) {
      const run = () => aggregateLossArray(c.perToken, c.mask, c.shape, c.mode);
      if (c.overflows.float64) {
        expect(run, c.id).toThrow(/^aggregateLossArray: the result overflowed to Infinity/);
        continue;
      }
      const got = run();
      const want = (c.expected as { loss: number }).loss;
      expect(Math.abs(got - want), c.id).toBeLessThanOrEqual(1e-12 * Math.abs(want));
    }
  });
});
