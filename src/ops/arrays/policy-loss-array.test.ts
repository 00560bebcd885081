import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PolicyLossMetrics, PolicyLossOptions } from '../types.js';
import { policyLossArray } from './policy-loss-array.js';
import { overflowCases, type OverflowPolicyCase } from './_overflow-fixtures.js';

// Reference values: test/fixtures/ops/policy-loss.json, written in float64 by
// scripts/gen_ops_fixtures.py from the formulas (format: test/fixtures/ops/README.md).
interface PolicyCase {
  id: string;
  options: PolicyLossOptions;
  resolved: { loss: string };
  shape: [number, number];
  logProbs: number[];
  oldLogProbs: number[];
  advantages: number[];
  advantagesShape: number[];
  mask: number[];
  expected: { loss: number; perToken: number[]; metrics: PolicyLossMetrics; gradLogProbs: number[] };
}
const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/ops/policy-loss.json'), 'utf8'),
) as { cases: PolicyCase[] };
const cases = fixture.cases;

function close(actual: number, expected: number, rel: number, abs = 1e-12): boolean {
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
}

function expectClose(actual: number, expected: number, rel: number, what: string, abs = 1e-12): void {
  if (!close(actual, expected, rel, abs)) {
    expect.fail(`${what}: got ${actual}, expected ${expected} (rel ${rel})`);
  }
}

function run(c: PolicyCase, convert: (x: number[]) => number[] | Float32Array | Float64Array, lp = c.logProbs, olp = c.oldLogProbs) {
  return policyLossArray(
    { logProbs: convert(lp), oldLogProbs: convert(olp), advantages: convert(c.advantages), mask: c.mask, shape: c.shape },
    c.options,
  );
}

function checkCase(c: PolicyCase, convert: (x: number[]) => number[] | Float32Array | Float64Array, rel: number): void {
  const r = run(c, convert);
  expectClose(r.loss, c.expected.loss, rel, `${c.id} loss`);
  c.expected.perToken.forEach((v, k) => expectClose(r.perToken[k] as number, v, rel, `${c.id} perToken[${k}]`));
  const m = c.expected.metrics;
  expectClose(r.metrics.clipFraction, m.clipFraction, rel, `${c.id} clipFraction`);
  expectClose(r.metrics.clipFractionLower, m.clipFractionLower, rel, `${c.id} clipFractionLower`);
  expectClose(r.metrics.approxKl, m.approxKl, rel, `${c.id} approxKl`);
  expect(r.metrics.tokens, c.id).toBe(m.tokens);
  expect(r.metrics.emptyMask, c.id).toBe(m.emptyMask);
}

describe('policyLossArray against the float64 fixtures', () => {
  it('has fixtures for every loss, aggregation, empty masks and both advantage shapes', () => {
    expect(cases.length).toBeGreaterThan(200);
    for (const loss of ['ppo', 'gspo', 'cispo', 'reinforce', 'sapo']) {
      const mine = cases.filter((c) => c.resolved.loss === loss);
      expect(mine.some((c) => c.expected.metrics.emptyMask)).toBe(true);
      expect(mine.some((c) => c.advantagesShape.length === 1)).toBe(true);
      expect(mine.some((c) => c.advantagesShape.length === 2)).toBe(true);
    }
    expect(cases.some((c) => c.expected.metrics.clipFractionLower > 0)).toBe(true);
  });

  it('matches number[] and Float64Array inputs to 1e-9 relative', () => {
    for (const c of cases) {
      checkCase(c, (x) => x, 1e-9);
      checkCase(c, (x) => Float64Array.from(x), 1e-9);
    }
  });

  it('matches Float32Array inputs to 1e-5 relative', () => {
    for (const c of cases) checkCase(c, (x) => Float32Array.from(x), 1e-5);
  });

  it('never returns NaN, and gives 0 with emptyMask for an all-zero mask', () => {
    for (const c of cases) {
      const r = run(c, (x) => x);
      expect(Number.isNaN(r.loss)).toBe(false);
      if (c.mask.every((v) => v === 0)) {
        expect(r.loss).toBe(0);
        expect(r.metrics).toEqual({ clipFraction: 0, clipFractionLower: 0, approxKl: 0, tokens: 0, emptyMask: true });
      }
    }
  });
});

describe('the fixture gradients, checked by central differences of policyLossArray', () => {
  // The fixture's d loss / d logProbs respects stop-gradients. Central differences of the
  // forward loss see the same derivative when:
  // - ppo, reinforce, sapo: no stop-gradient besides the clamps (flat, so both give 0);
  // - cispo: sg(w) with w a function of logp - logp_old: logp_old moves with logp, so w stays;
  // - gspo: the value depends on logp only through s_i; its derivative equals verl's
  //   token-level gradient when the advantage is constant over each row ([B] advantages).
  const h = 1e-6;
  it('agrees with every fixture gradient it can see', () => {
    let checked = 0;
    for (const c of cases) {
      if (c.resolved.loss === 'gspo' && c.advantagesShape.length === 2) continue;
      const coMove = c.resolved.loss === 'cispo';
      const base = run(c, (x) => x);
      // round-off scale: the aggregate of |per-token loss|
      const scale = base.perToken.reduce((s, v) => s + Math.abs(v), 0) / Math.max(1, base.metrics.tokens) + Math.abs(base.loss);
      for (let k = 0; k < c.logProbs.length; k++) {
        const shift = (d: number) => {
          const lp = c.logProbs.slice();
          lp[k] = (lp[k] as number) + d;
          const olp = c.oldLogProbs.slice();
          if (coMove) olp[k] = (olp[k] as number) + d;
          return run(c, (x) => x, lp, olp).loss;
        };
        const fd = (shift(h) - shift(-h)) / (2 * h);
        const g = c.expected.gradLogProbs[k] as number;
        const tol = 1e-6 * Math.abs(g) + 1e-7 + 1e-8 * scale;
        if (Math.abs(fd - g) > tol) expect.fail(`${c.id}: d loss / d logProbs[${k}] = ${g} in the fixture, finite differences ${fd}`);
        if (c.mask[k] === 0) expect(g, `${c.id} grad at padding ${k}`).toBe(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
  });
});

describe('policyLossArray', () => {
  it('computes the documented example', () => {
    const r = policyLossArray({
      logProbs: [Math.log(0.5), Math.log(0.9)],
      oldLogProbs: [Math.log(0.25), Math.log(0.9)],
      advantages: [1],
      mask: [1, 1],
      shape: [1, 2],
    });
    expect(r.loss).toBeCloseTo(-1.1, 15);
    expect(r.metrics.clipFraction).toBe(0.5);
    expect(Array.from(r.perToken)).toEqual([-1.2, -1]);
  });

  it('applies the dual clip to negative advantages only, by default for ppo only', () => {
    // ratio e^2 ~ 7.39 > 3: the dual clip caps -A r at -A * 3 for A < 0
    const base = { logProbs: [-1, -1], oldLogProbs: [-3, -3], advantages: [-1, 1], mask: [1, 1], shape: [2, 1] as const };
    const ppo = policyLossArray(base, { aggregation: 'seq-mean-token-sum' });
    expect(Array.from(ppo.perToken)).toEqual([3, -1.2]);
    expect(ppo.metrics.clipFractionLower).toBe(0.5);
    expect(ppo.metrics.clipFraction).toBe(0.5);
    const off = policyLossArray(base, { dualClip: null });
    expect(off.perToken[0]).toBeCloseTo(Math.exp(2), 12);
    expect(off.metrics.clipFractionLower).toBe(0);
    const gspo = policyLossArray(base, { loss: 'gspo' });
    expect(gspo.perToken[0]).toBeCloseTo(Math.exp(2), 12);
    expect(policyLossArray(base, { loss: 'gspo', dualClip: 3 }).perToken[0]).toBe(3);
  });

  it("gives TRL's two-sided clip (delta) values for ppo with a dual clip", () => {
    // TRL: coef_1 = min(rho, delta); loss = -min(coef_1 A, clip(rho) A)
    const delta = 2.5;
    const lps = [-0.5, -2, -1, -0.1, -3, -0.2];
    const olps = [-2, -0.5, -1.1, -2.5, -0.1, -0.2];
    const advs = [-1.5, -0.7, 0.8, 2, -0.3, 1];
    const r = policyLossArray(
      { logProbs: lps, oldLogProbs: olps, advantages: advs, mask: [1, 1, 1, 1, 1, 1], shape: [6, 1] },
      { dualClip: delta, clipHigh: 0.28 },
    );
    lps.forEach((lp, k) => {
      const rho = Math.exp(lp - (olps[k] as number));
      const a = advs[k] as number;
      const trl = -Math.min(Math.min(rho, delta) * a, Math.min(Math.max(rho, 0.8), 1.28) * a);
      expect(r.perToken[k]).toBeCloseTo(trl, 12);
    });
  });

  it("offers verl's and TRL's CISPO weight bounds", () => {
    const input = { logProbs: [-1, -1], oldLogProbs: [-0.5, -3], advantages: [1, 1], mask: [1, 1], shape: [2, 1] as const };
    const verl = policyLossArray(input, { loss: 'cispo' });
    // ratios e^-0.5 = 0.607 -> 0.8 and e^2 = 7.39 -> 1.2
    expect(Array.from(verl.perToken)).toEqual([0.8, 1.2]);
    expect(verl.metrics.clipFraction).toBe(1);
    // TRL epsilon_high = 5 -> clipHigh 4: min(rho, 5); no lower bound
    const trl = policyLossArray(input, { loss: 'cispo', cispoClip: 'upper', clipHigh: 4 });
    expect(trl.perToken[0]).toBeCloseTo(Math.exp(-0.5), 15);
    expect(trl.perToken[1]).toBe(5);
  });

  it('uses the clamped log-ratio for ppo/cispo/sapo and the raw one for gspo/reinforce in approxKl', () => {
    const input = { logProbs: [0], oldLogProbs: [-25], advantages: [1], mask: [1], shape: [1, 1] as const };
    expect(policyLossArray(input).metrics.approxKl).toBe(-20);
    expect(policyLossArray(input, { logRatioClamp: null }).metrics.approxKl).toBe(-25);
    expect(policyLossArray(input, { loss: 'reinforce' }).metrics.approxKl).toBe(-25);
    expect(policyLossArray(input, { loss: 'gspo' }).metrics.approxKl).toBe(-25);
  });

  it('ignores whatever padding holds, -Infinity and NaN included', () => {
    const r = policyLossArray({
      logProbs: [-1, Number.NEGATIVE_INFINITY, -2, Number.NaN],
      oldLogProbs: [-1, Number.NaN, -2, 0],
      advantages: [2, Number.NaN],
      mask: [1, 0, 0, 0],
      shape: [2, 2],
    });
    expect(r.loss).toBe(-2);
    expect(Array.from(r.perToken)).toEqual([-2, 0, 0, 0]);
  });

  it('replaces the micro-batch counts by the normalizer', () => {
    const input = { logProbs: [-1, -1, -1, 0], oldLogProbs: [-1, -1, -1, 0], advantages: [1, 2], mask: [1, 1, 1, 0], shape: [2, 2] as const };
    // per-token -A: [-1, -1, -2, 0]
    expect(policyLossArray(input).loss).toBeCloseTo(-4 / 3, 15);
    expect(policyLossArray(input, { normalizer: { tokens: 8 } }).loss).toBe(-0.5);
    expect(policyLossArray(input, { aggregation: 'seq-mean-token-mean', normalizer: { sequences: 4 } }).loss).toBe(-0.75);
    expect(policyLossArray(input, { aggregation: 'seq-mean-token-sum-norm' }).loss).toBe(-1);
    expect(policyLossArray(input, { aggregation: 'seq-mean-token-sum-norm', normalizer: { sequences: 1, constant: 8 } }).loss).toBe(-0.5);
    const empty = { ...input, mask: [0, 0, 0, 0] };
    const r = policyLossArray(empty, { normalizer: { tokens: 8 } });
    expect(r.loss).toBe(0);
    expect(r.metrics.emptyMask).toBe(true);
  });

  it('accumulates in float64: 2M Float32Array tokens give the float64 result', () => {
    const B = 1000;
    const T = 2000;
    const lp = new Float32Array(B * T);
    const olp = new Float32Array(B * T);
    const adv = new Float32Array(B);
    const mask = new Uint8Array(B * T);
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < B; i++) {
      adv[i] = rand() * 4 - 2;
      const len = 1 + Math.floor(rand() * T);
      for (let t = 0; t < T; t++) {
        const k = i * T + t;
        olp[k] = -rand() * 5;
        lp[k] = (olp[k] as number) + (rand() - 0.5) * 0.6;
        mask[k] = t < len ? 1 : 0;
      }
    }
    const f32 = policyLossArray({ logProbs: lp, oldLogProbs: olp, advantages: adv, mask, shape: [B, T] });
    const f64 = policyLossArray({
      logProbs: Float64Array.from(lp),
      oldLogProbs: Float64Array.from(olp),
      advantages: Float64Array.from(adv),
      mask,
      shape: [B, T],
    });
    // reference: the same per-token values summed with Neumaier compensation
    let sum = 0;
    let comp = 0;
    for (const v of f64.perToken) {
      const t = sum + v;
      comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      sum = t;
    }
    const reference = (sum + comp) / f64.metrics.tokens;
    expect(f32.loss).toBe(f64.loss);
    expect(Math.abs(f32.loss - reference)).toBeLessThanOrEqual(1e-9 * Math.abs(reference));
  });

  it('names the array and the index of a NaN or infinite value at a valid position', () => {
    const input = { logProbs: [-1, -1, -1, -1], oldLogProbs: [-1, -1, -1, -1], advantages: [1, 1], mask: [1, 1, 1, 1], shape: [2, 2] as const };
    expect(() => policyLossArray({ ...input, logProbs: [-1, -1, -1, Number.NaN] })).toThrow(
      /policyLossArray: logProbs\[1, 1\] \(flat index 3\) is NaN/,
    );
    expect(() => policyLossArray({ ...input, oldLogProbs: [-1, Number.POSITIVE_INFINITY, -1, -1] })).toThrow(
      /oldLogProbs\[0, 1\] \(flat index 1\) is Infinity/,
    );
    expect(() => policyLossArray({ ...input, advantages: [1, Number.NaN] })).toThrow(/advantages\[1\] is NaN/);
    expect(() => policyLossArray({ ...input, advantages: [1, 1, Number.NEGATIVE_INFINITY, 1] })).toThrow(
      /advantages\[1, 0\] \(flat index 2\) is -Infinity/,
    );
    expect(() => policyLossArray({ ...input, mask: [1, 0.5, 1, 1] })).toThrow(/mask\[0, 1\] \(flat index 1\) is 0.5, expected 0 or 1/);
  });

  it('names both shapes and the argument on a shape mismatch', () => {
    const input = { logProbs: [-1, -1, -1, -1], oldLogProbs: [-1, -1, -1, -1], advantages: [1, 1], mask: [1, 1, 1, 1], shape: [2, 2] as const };
    expect(() => policyLossArray({ ...input, oldLogProbs: [-1, -1, -1] })).toThrow(
      /policyLossArray: argument 'oldLogProbs' has shape \[3\] \(flat\), but shape \[2, 2\] needs 4 elements/,
    );
    expect(() => policyLossArray({ ...input, advantages: [1, 2, 3] })).toThrow(
      /argument 'advantages' has shape \[3\] \(flat\), but shape \[2, 2\] needs \[2\] \(one per rollout\) or 4 elements/,
    );
    expect(() => policyLossArray({ ...input, mask: [1, 1] })).toThrow(/argument 'mask' has shape \[2\] \(flat\), but shape \[2, 2\] needs 4/);
    expect(() => policyLossArray({ ...input, shape: [2, -1] as never })).toThrow(/argument 'shape' must be \[B, T\]/);
    expect(() => policyLossArray({ ...input, logProbs: 'x' as never })).toThrow(TypeError);
  });

  it('rejects bad options, naming them', () => {
    const input = { logProbs: [-1], oldLogProbs: [-1], advantages: [1], mask: [1], shape: [1, 1] as const };
    expect(() => policyLossArray(input, { loss: 'grpo' as never })).toThrow(/policyLossArray: option 'loss' must be one of 'ppo'/);
    expect(() => policyLossArray(input, { dualClip: 1 })).toThrow(/option 'dualClip' must be a finite number > 1 or null, got 1/);
    expect(() => policyLossArray(input, { clipLow: -0.1 })).toThrow(/option 'clipLow' must be a finite number >= 0/);
    expect(() => policyLossArray(input, { normalizer: { tokens: 0 } })).toThrow(/option 'normalizer.tokens' must be a finite number > 0, got 0/);
    expect(() => policyLossArray(input, { sapoTau: { positive: 1, negative: Number.NaN } })).toThrow(/sapoTau.negative/);
    expect(() => policyLossArray(input, { aggregation: 'sum' as never })).toThrow(/option 'aggregation'/);
    expect(() => policyLossArray(input, { logRatioClamp: 0 })).toThrow(/option 'logRatioClamp'/);
  });

  it('announces an overflow instead of returning it', () => {
    const input = { logProbs: [0], oldLogProbs: [-800], advantages: [0], mask: [1], shape: [1, 1] as const };
    expect(() => policyLossArray(input, { logRatioClamp: null })).toThrow(/the loss overflowed to NaN/);
  });

  it('rejects unknown option keys, naming the key and the nearest valid one', () => {
    const input = { logProbs: [-1], oldLogProbs: [-1], advantages: [1], mask: [1], shape: [1, 1] as const };
    const valid = 'valid options: loss, clipLow, clipHigh, dualClip, aggregation, normalizer, logRatioClamp, sequenceLogRatioMax, sapoTau, cispoClip';
    expect(() => policyLossArray(input, { clip_ratio: 0.2 } as never)).toThrow(
      `policyLossArray: unknown option 'clip_ratio' in 'options' (did you mean 'clipLow'?); ${valid}`,
    );
    expect(() => policyLossArray(input, { clipRatiohigh: 0.28 } as never)).toThrow(/unknown option 'clipRatiohigh' in 'options' \(did you mean 'clipHigh'\?\)/);
    expect(() => policyLossArray(input, { agregation: 'token-mean' } as never)).toThrow(/unknown option 'agregation' in 'options' \(did you mean 'aggregation'\?\)/);
    expect(() => policyLossArray(input, { validate: true } as never)).toThrow(TypeError);
    // nested option objects too
    expect(() => policyLossArray(input, { normalizer: { token: 4 } } as never)).toThrow(
      "policyLossArray: unknown option 'token' in 'options.normalizer' (did you mean 'tokens'?); valid options: tokens, sequences, constant",
    );
    expect(() => policyLossArray(input, { sapoTau: { pos: 1, negative: 1 } } as never)).toThrow(
      "policyLossArray: unknown option 'pos' in 'options.sapoTau' (did you mean 'positive'?); valid options: positive, negative",
    );
    // a known key set to undefined is fine (the default)
    expect(policyLossArray(input, { clipHigh: undefined }).loss).toBe(-1);
  });

  it('checks the finite-input rule and overflow against the float64 edge fixtures', () => {
    const edges = overflowCases<OverflowPolicyCase>('policyLoss');
    expect(edges.length).toBeGreaterThan(5);
    for (const c of edges) {
      const run = () =>
        policyLossArray(
          { logProbs: c.logProbs, oldLogProbs: c.oldLogProbs, advantages: c.advantages, mask: c.mask, shape: c.shape },
          c.options,
        );
      if (c.overflows.float64) {
        expect(run, c.id).toThrow(/^policyLossArray: the loss overflowed to (Infinity|-Infinity|NaN)/);
        continue;
      }
      const e = c.expected as NonNullable<OverflowPolicyCase['expected']>;
      const r = run();
      expectClose(r.loss, e.loss, 1e-12, `${c.id} loss`);
      e.perToken.forEach((v, k) => expectClose(r.perToken[k] as number, v, 1e-12, `${c.id} perToken[${k}]`));
      expectClose(r.metrics.approxKl, e.approxKl, 1e-12, `${c.id} approxKl`);
    }
  });
});
