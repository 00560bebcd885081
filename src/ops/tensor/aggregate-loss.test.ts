import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateLossArray } from '../arrays/aggregate-loss-array.js';
import type { LossAggregation } from '../types.js';
import { aggregateLoss } from './aggregate-loss.js';
import { HOST_VARIANTS, activate, fixtureCases, mismatch, rng, type PolicyLossCase } from './_test-support.js';
import { overflowCases, type OverflowAggregateCase } from '../arrays/_overflow-fixtures.js';
import { setHostChecks } from './_validate.js';

const CASES = fixtureCases<PolicyLossCase>('policy-loss');
const MODES: readonly LossAggregation[] = ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum', 'seq-mean-token-sum-norm'];

describe.each(HOST_VARIANTS.filter((v) => v.fused && v.simd !== false))('aggregateLoss on $backend', (variant) => {
  beforeAll(async () => {
    await activate(variant);
  });

  it('turns the fixtures’ per-token losses into their losses (every mode, with and without normalizers)', () => {
    const failures: string[] = [];
    for (const c of CASES) {
      const mode = c.options.aggregation ?? (c.options.loss === 'gspo' || c.options.loss === 'sapo' ? 'seq-mean-token-mean' : 'token-mean');
      const got = tf.tidy(() =>
        aggregateLoss(tf.tensor2d(c.expected.perToken, c.shape), tf.tensor2d(c.mask, c.shape), mode, c.options.normalizer).dataSync(),
      );
      // the per-token values are rounded to float32 here: allow for that at their scale
      const scale = Math.max(1, ...c.expected.perToken.map(Math.abs));
      const problem = mismatch('loss', got, [c.expected.loss], { rtol: 1e-6, atol: 2e-7 * scale });
      if (problem) failures.push(`${c.id}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it('has the gradient mask * row weight, and matches aggregateLossArray', () => {
    const next = rng(7);
    for (const mode of MODES) {
      const [B, T] = [5, 7];
      const values = Array.from({ length: B * T }, () => next() * 4 - 2);
      const mask = Array.from({ length: B * T }, (_, k) => (k % T < 1 + (Math.floor(k / T) * 2) % T && k < 28 ? 1 : 0));
      const normalizer = mode === 'seq-mean-token-sum-norm' ? { constant: 11 } : {};
      tf.tidy(() => {
        const x = tf.tensor2d(values, [B, T]);
        const m = tf.tensor2d(mask, [B, T]);
        const { value, grad } = tf.valueAndGrad((v: tf.Tensor) => aggregateLoss(v, m, mode, normalizer))(x);
        const reference = aggregateLossArray(Float32Array.from(values), mask, [B, T], mode, normalizer);
        expect(value.dataSync()[0]).toBeCloseTo(reference, 6);
        // linear in the values: the gradient is the loss of unit vectors
        const g = grad.dataSync();
        for (let k = 0; k < B * T; k++) {
          const unit = values.map((_, j) => (j === k ? 1 : 0));
          expect(g[k]).toBeCloseTo(aggregateLossArray(unit, mask, [B, T], mode, normalizer), 7);
        }
      });
    }
  });

  it('ignores masked positions whatever they hold, gives 0 for an empty mask, and checks valid ones', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, NaN], [Infinity, 2]]);
      expect(aggregateLoss(x, tf.tensor2d([[1, 0], [0, 1]]), 'token-mean').dataSync()[0]).toBe(1.5);
      for (const mode of MODES) expect(aggregateLoss(x, tf.zeros([2, 2]), mode).dataSync()[0]).toBe(0);
      expect(() => aggregateLoss(x, tf.ones([2, 2]), 'token-mean')).toThrow(
        'aggregateLoss: perToken[0, 1] (flat index 1) is NaN; values at valid (mask 1) positions must be finite',
      );
      expect(() => aggregateLoss(x, tf.tensor2d([[1, 0], [0, 2]]), 'token-mean')).toThrow(
        'aggregateLoss: mask[1, 1] (flat index 3) is 2, expected 0 or 1',
      );
      expect(() => aggregateLoss(x, tf.ones([2, 3]), 'token-mean')).toThrow(
        "aggregateLoss: argument 'mask' has shape [2, 3], but perToken of shape [2, 2] needs [2, 2]",
      );
      expect(() => aggregateLoss(x, tf.ones([2, 2]), 'mean' as never)).toThrow(/aggregateLoss: argument 'mode' must be one of/);
      expect(() => aggregateLoss(x, tf.ones([2, 2]), 'token-mean', { tokens: 0 })).toThrow(/aggregateLoss: option 'normalizer.tokens'/);
    });
  });

  it('returns the float64 edge values where they fit float32, and throws where they overflow it', () => {
    for (const c of overflowCases<OverflowAggregateCase>('aggregate').filter((x) => x.float32Inputs)) {
      for (const hostChecks of [true, false]) {
        const previous = setHostChecks(hostChecks);
        try {
          const run = () => tf.tidy(() => aggregateLoss(tf.tensor2d(c.perToken, c.shape), tf.tensor2d(c.mask, c.shape), c.mode).dataSync()[0] as number);
          if (c.overflows.float32) expect(run, c.id).toThrow(/^aggregateLoss: the result overflowed to Infinity/);
          else {
            const want = (c.expected as { loss: number }).loss;
            expect(Math.abs(run() - want), c.id).toBeLessThanOrEqual(1e-6 * Math.abs(want));
          }
        } finally {
          setHostChecks(previous);
        }
      }
    }
  });

  it('checks the same way through the GPU path (one reduction and one read)', () => {
    const previous = setHostChecks(false);
    try {
      tf.tidy(() => {
        const x = tf.tensor2d([[1, NaN], [Infinity, 2]]);
        expect(aggregateLoss(x, tf.tensor2d([[1, 0], [0, 1]]), 'token-mean').dataSync()[0]).toBe(1.5);
        expect(() => aggregateLoss(x, tf.ones([2, 2]), 'token-mean')).toThrow(
          'aggregateLoss: perToken[0, 1] (flat index 1) is NaN; values at valid (mask 1) positions must be finite',
        );
        expect(() => aggregateLoss(x, tf.tensor2d([[1, 0], [0, 2]]), 'token-mean')).toThrow('aggregateLoss: mask[1, 1] (flat index 3) is 2, expected 0 or 1');
      });
    } finally {
      setHostChecks(previous);
    }
  });

  it('rejects unknown keys in the normalizer and the options', () => {
    tf.tidy(() => {
      const x = tf.ones([1, 2]);
      expect(() => aggregateLoss(x, x, 'token-mean', { token: 2 } as never)).toThrow(
        "aggregateLoss: unknown option 'token' in 'normalizer' (did you mean 'tokens'?); valid options: tokens, sequences, constant",
      );
      expect(() => aggregateLoss(x, x, 'token-mean', undefined, { valdate: false } as never)).toThrow(
        "aggregateLoss: unknown option 'valdate' in 'options' (did you mean 'validate'?); valid options: validate",
      );
    });
  });

  it('sums 1M float32 values to within 1e-6 of float64', () => {
    const n = 1 << 20;
    const values = new Float32Array(n);
    const next = rng(11);
    for (let i = 0; i < n; i++) values[i] = 0.5 + next();
    let exact = 0;
    for (const v of values) exact += v;
    const got = tf.tidy(() => aggregateLoss(tf.tensor2d(values, [1, n]), tf.ones([1, n]), 'seq-mean-token-sum').dataSync()[0] as number);
    expect(Math.abs(got - exact) / exact).toBeLessThan(1e-6);
  });
});
