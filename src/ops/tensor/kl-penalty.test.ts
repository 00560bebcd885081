import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { klPenalty } from './kl-penalty.js';
import { HOST_VARIANTS, activate, checkAll, checkKlCase, directionalCheck, fixtureCases, mismatch, type KlCase } from './_test-support.js';
import { overflowCases, type OverflowKlCase } from '../arrays/_overflow-fixtures.js';
import { setHostChecks } from './_validate.js';

const CASES = fixtureCases<KlCase>('kl');
const TOL = { rtol: 1e-6, atol: 1e-7 };

describe.each(HOST_VARIANTS.filter((v) => v.fused && v.simd !== false))('klPenalty on $backend', (variant) => {
  beforeAll(async () => {
    await activate(variant);
  });

  it(`matches the float64 fixtures: ${CASES.length} cases (k1, k2, k3, abs; clamps on and off; values and gradients)`, async () => {
    const failures = await checkAll(CASES, (c) => checkKlCase(c, TOL));
    expect(failures).toEqual([]);
  });

  it('keeps k3 accurate for tiny log-ratios (no float32 cancellation)', () => {
    tf.tidy(() => {
      const d = [1e-4, -3e-3, 0.2, -0.45];
      const lp = tf.tensor1d(d.map(() => -1));
      const ref = tf.tensor1d(d.map((x) => Math.fround(-1 - x)));
      const got = klPenalty(lp, ref, 'k3').dataSync();
      d.forEach((_, i) => {
        const x = Math.fround(-1 - (d[i] as number)) - -1; // logp_ref - logp as float32 values
        const exact = Math.expm1(x) - x;
        expect(Math.abs((got[i] as number) - exact)).toBeLessThanOrEqual(2e-7 * exact);
      });
    });
  });

  it('has the gradient of finite differences', async () => {
    const failures: string[] = [];
    for (const c of CASES) {
      const ref = tf.tensor1d(c.refLogProbs);
      const f = (lp: Float32Array) => tf.tidy(() => tf.sum(klPenalty(tf.tensor1d(lp), ref, c.estimator, c.options)).dataSync()[0] as number);
      const [fd, analytic] = await directionalCheck(c.logProbs, c.expected.gradLogProbs, f, 1e-4, c.id.length);
      const scale = Math.max(1, ...c.expected.values.map(Math.abs));
      if (!(Math.abs(fd - analytic) <= 2e-6 * scale * c.logProbs.length + 1e-2 * Math.abs(analytic))) {
        failures.push(`${c.id}: fd ${fd}, gradient ${analytic}`);
      }
      ref.dispose();
    }
    expect(failures).toEqual([]);
  });

  it('checks its arguments', () => {
    const a = tf.zeros([2, 3]);
    expect(() => klPenalty(a, tf.zeros([3, 2]), 'k1')).toThrow(
      "klPenalty: argument 'refLogProbs' has shape [3, 2], but logProbs of shape [2, 3] needs [2, 3]",
    );
    expect(() => klPenalty(a, a, 'k4' as never)).toThrow("klPenalty: argument 'estimator' must be one of 'k1', 'k2', 'k3', 'abs', got \"k4\"");
    expect(() => klPenalty(a, a, 'k3', { clamp: 0 })).toThrow("klPenalty: option 'clamp' must be a finite number > 0 or null, got 0");
    expect(() => klPenalty(a, tf.zeros([2, 3], 'int32'), 'k3')).toThrow("klPenalty: argument 'refLogProbs' must be float32, got int32");
    a.dispose();
  });

  it('throws on NaN / ±Infinity in an input, naming the argument and the position (as klPenaltyArray)', () => {
    for (const hostChecks of [true, false]) {
      const previous = setHostChecks(hostChecks);
      try {
        tf.tidy(() => {
          const ok = tf.tensor2d([[-1, -2, -3], [-1, -2, -3]]);
          expect(() => klPenalty(tf.tensor2d([[-1, -2, -3], [-1, -2, NaN]]), ok, 'k3')).toThrow(
            'klPenalty: logProbs[1, 2] (flat index 5) is NaN; every value must be finite (fill padding with 0)',
          );
          expect(() => klPenalty(tf.tensor1d([-1, -2]), tf.tensor1d([-Infinity, -1]), 'k1')).toThrow(
            'klPenalty: refLogProbs[0] is -Infinity; every value must be finite (fill padding with 0)',
          );
          // opting out: the NaN comes through, at its position only
          const out = klPenalty(tf.tensor1d([NaN, -1]), tf.tensor1d([-1, -1]), 'k2', { validate: false }).dataSync();
          expect(Number.isNaN(out[0])).toBe(true);
          expect(out[1]).toBe(0);
        });
      } finally {
        setHostChecks(previous);
      }
    }
  });

  it('returns the float64 edge values where they fit float32, and throws where they overflow it', () => {
    const failures: string[] = [];
    for (const c of overflowCases<OverflowKlCase>('kl')) {
      if (c.overflows.float32) {
        expect(() => tf.tidy(() => klPenalty(tf.tensor1d(c.logProbs), tf.tensor1d(c.refLogProbs), c.estimator, c.options)), c.id).toThrow(
          new RegExp(`^klPenalty: the ${c.estimator} value at \\[0\\] overflowed to Infinity`),
        );
        continue;
      }
      const got = tf.tidy(() => klPenalty(tf.tensor1d(c.logProbs), tf.tensor1d(c.refLogProbs), c.estimator, c.options).dataSync());
      const problem = mismatch('values', got, (c.expected as { values: number[] }).values, TOL);
      if (problem !== null) failures.push(`${c.id}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it('rejects unknown option keys, naming the key and the nearest valid one', () => {
    const a = tf.zeros([2]);
    expect(() => klPenalty(a, a, 'k3', { clmap: 5 } as never)).toThrow(
      "klPenalty: unknown option 'clmap' in 'options' (did you mean 'clamp'?); valid options: clamp, validate",
    );
    expect(() => klPenalty(a, a, 'k3', { checkFinite: false } as never)).toThrow(/unknown option 'checkFinite' in 'options' \(did you mean 'validate'\?\)/);
    a.dispose();
  });
});
