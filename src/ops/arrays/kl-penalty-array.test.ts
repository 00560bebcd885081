import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KlEstimator, KlOptions } from '../types.js';
import { klPenaltyArray } from './kl-penalty-array.js';
import { overflowCases, type OverflowKlCase } from './_overflow-fixtures.js';

// Reference values: test/fixtures/ops/kl.json (scripts/gen_ops_fixtures.py, float64).
interface KlCase {
  id: string;
  estimator: KlEstimator;
  options: KlOptions;
  logProbs: number[];
  refLogProbs: number[];
  expected: { values: number[]; gradLogProbs: number[] };
}
const cases = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/ops/kl.json'), 'utf8')) as { cases: KlCase[] }
).cases;

function expectClose(actual: number, expected: number, rel: number, what: string): void {
  if (Math.abs(actual - expected) > rel * Math.abs(expected) + 1e-12) expect.fail(`${what}: got ${actual}, expected ${expected}`);
}

describe('klPenaltyArray against the float64 fixtures', () => {
  it('covers every estimator with the clamp default, off and custom', () => {
    expect(new Set(cases.map((c) => c.estimator))).toEqual(new Set(['k1', 'k2', 'k3', 'abs']));
    expect(cases.some((c) => c.options.clamp === null)).toBe(true);
  });

  it('matches number[] / Float64Array (1e-9) and Float32Array (1e-5) inputs', () => {
    for (const c of cases) {
      for (const [convert, rel] of [
        [(x: number[]) => x, 1e-9],
        [(x: number[]) => Float64Array.from(x), 1e-9],
        [(x: number[]) => Float32Array.from(x), 1e-5],
      ] as const) {
        const out = klPenaltyArray(convert(c.logProbs), convert(c.refLogProbs), c.estimator, c.options);
        c.expected.values.forEach((v, k) => expectClose(out[k] as number, v, rel, `${c.id}[${k}]`));
      }
    }
  });

  it('has fixture gradients that central differences confirm', () => {
    const h = 1e-6;
    for (const c of cases) {
      c.logProbs.forEach((lp, k) => {
        const f = (d: number) => klPenaltyArray([lp + d], [c.refLogProbs[k] as number], c.estimator, c.options)[0] as number;
        const fd = (f(h) - f(-h)) / (2 * h);
        const g = c.expected.gradLogProbs[k] as number;
        if (Math.abs(fd - g) > 1e-6 * Math.abs(g) + 1e-6) expect.fail(`${c.id}[${k}]: fixture gradient ${g}, finite differences ${fd}`);
      });
    }
  });
});

describe('klPenaltyArray', () => {
  it('computes the documented examples', () => {
    expect(Array.from(klPenaltyArray([-1, -2], [-1.5, -2], 'k1'))).toEqual([0.5, 0]);
    expect(Array.from(klPenaltyArray([-1, -2], [-1.5, -2], 'k2'))).toEqual([0.125, 0]);
    expect(klPenaltyArray([0], [-30], 'k3')[0]).toBe(10);
    expect(klPenaltyArray([0], [-30], 'k3', { clamp: null })[0]).toBe(29.000000000000092);
    expect(Array.from(klPenaltyArray([-1, -2], [-1.5, -1], 'abs'))).toEqual([0.5, 1]);
  });

  it('is 0 where the policies agree, and k3 is never negative', () => {
    for (const est of ['k1', 'k2', 'k3', 'abs'] as const) expect(klPenaltyArray([-0.7], [-0.7], est)[0]).toBe(0);
    const out = klPenaltyArray([-3, -0.1, -5, -1], [-0.2, -4, -5.5, -1.0001], 'k3', { clamp: null });
    for (const v of out) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => klPenaltyArray([-1, -1], [-1], 'k1')).toThrow(
      /klPenaltyArray: argument 'refLogProbs' has shape \[1\], but 'logProbs' has shape \[2\]/,
    );
    expect(() => klPenaltyArray([-1, Number.NEGATIVE_INFINITY], [-1, -1], 'k1')).toThrow(/logProbs\[1\] is -Infinity/);
    expect(() => klPenaltyArray([-1], [Number.NaN], 'k3')).toThrow(/refLogProbs\[0\] is NaN/);
    expect(() => klPenaltyArray([-1], [-1], 'k4' as never)).toThrow(/argument 'estimator' must be one of 'k1', 'k2', 'k3', 'abs', got "k4"/);
    expect(() => klPenaltyArray([-1], [-1], 'k3', { clamp: 0 })).toThrow(/option 'clamp' must be a finite number > 0, got 0/);
    expect(() => klPenaltyArray({} as never, [-1], 'k1')).toThrow(/argument 'logProbs' must be a Float32Array, Float64Array or number\[\]/);
  });

  it('rejects unknown option keys, naming the key and the nearest valid one', () => {
    expect(() => klPenaltyArray([-1], [-1], 'k3', { clmap: 5 } as never)).toThrow(
      "klPenaltyArray: unknown option 'clmap' in 'options' (did you mean 'clamp'?); valid options: clamp",
    );
    expect(() => klPenaltyArray([-1], [-1], 'k3', { kl_clamp: 5 } as never)).toThrow(/unknown option 'kl_clamp' .*did you mean 'clamp'/);
  });

  it('throws on an overflowing value, naming the position, against the float64 edge fixtures', () => {
    const edges = overflowCases<OverflowKlCase>('kl');
    for (const c of edges) {
      const run = () => klPenaltyArray(c.logProbs, c.refLogProbs, c.estimator, c.options);
      if (c.overflows.float64) {
        expect(run, c.id).toThrow(/^klPenaltyArray: the k3 value at \[0\] overflowed to Infinity/);
        continue;
      }
      const out = run();
      (c.expected as { values: number[] }).values.forEach((v, k) => expectClose(out[k] as number, v, 1e-12, `${c.id}[${k}]`));
    }
    expect(() => klPenaltyArray([0, 0], [-1, -1e200], 'k2')).toThrow(
      /^klPenaltyArray: the k2 value at \[1\] overflowed to Infinity \(Delta = logProbs - refLogProbs = 1e\+200\)/,
    );
  });
});
