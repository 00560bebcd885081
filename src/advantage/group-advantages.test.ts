import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advantagePresets, defaultAdvantageSettings } from './advantage-presets.js';
import { groupAdvantages } from './group-advantages.js';
import type { AdvantageEstimator } from './types.js';

const adv = (...args: Parameters<typeof groupAdvantages>) => Array.from(groupAdvantages(...args).advantages);
const SQRT_HALF = Math.SQRT1_2; // sample std of [1, 0] is 0.7071067811865476

/** |a - e| <= tol * max(1, |e|) elementwise. */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) expect.fail(`[${i}]: ${a} is not close to ${e}`);
  }
}

const naiveMean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('groupAdvantages: the documented examples', () => {
  it('grpo, rloo and a missing reward', () => {
    expect(adv([1, 0, 0, 1], { groupSize: 2, eps: 0 })).toEqual([
      0.7071067811865475, -0.7071067811865475, -0.7071067811865475, 0.7071067811865475,
    ]);
    expect(adv([1, 0, 0, 0], { groupSize: 4, estimator: 'rloo' })).toEqual([
      1, -0.3333333333333333, -0.3333333333333333, -0.3333333333333333,
    ]);
    expect(adv([1, null, 0.5], { groupIds: [7, 7, 7], scale: 'none' })).toEqual([0.25, 0, -0.25]);
    expect(adv([1, null, 0.5], { groupIds: [7, 7, 7], scale: 'none', preset: 'trl' })).toEqual([0.5, -0.5, 0]);
  });
});

describe('groupAdvantages: grpo and the trainers presets', () => {
  it('divides by the sample std plus eps (verl 1e-6, TRL 1e-4, OpenRLHF 1e-9)', () => {
    for (const [preset, eps] of [
      ['verl', 1e-6],
      ['trl', 1e-4],
      ['openrlhf', 1e-9],
    ] as const) {
      expect(adv([1, 0], { groupSize: 2, preset })).toEqual([0.5 / (SQRT_HALF + eps), -0.5 / (SQRT_HALF + eps)]);
    }
    // Default: verl's eps.
    expect(adv([1, 0], { groupSize: 2 })).toEqual([0.5 / (SQRT_HALF + 1e-6), -0.5 / (SQRT_HALF + 1e-6)]);
    // Population std on request: [1, 0] has population std 0.5.
    expect(adv([1, 0], { groupSize: 2, std: 'population', eps: 0 })).toEqual([1, -1]);
  });

  it('a group of one: verl mean 0 and std 1, the others 0', () => {
    expect(adv([0.7, 1, 0], { groupIds: [1, 2, 2], preset: 'verl' })[0]).toBe(0.7 / (1 + 1e-6));
    expect(adv([0.7, 1, 0], { groupIds: [1, 2, 2], preset: 'trl' })[0]).toBe(0);
    expect(adv([0.7, 1, 0], { groupIds: [1, 2, 2], preset: 'openrlhf' })[0]).toBe(0);
    expect(adv([0.7, 1, 0], { groupIds: [1, 2, 2] })[0]).toBe(0);
    expect(adv([0.7], { groupSize: 1, singleton: 'raw', scale: 'none' })).toEqual([0.7]);
    expect(groupAdvantages([0.7, 0.1], { groupSize: 1 }).report.singletonGroups).toBe(2);
  });

  it('all-equal rewards give exactly 0, whatever the value and eps', () => {
    for (const v of [0.1, 0.8, -1, 1 / 3, 1e-300]) {
      for (const preset of ['verl', 'trl', 'openrlhf'] as const) {
        const r = groupAdvantages(Array(8).fill(v), { groupSize: 8, preset });
        expect(Array.from(r.advantages)).toEqual(Array(8).fill(0));
        expect(r.report.zeroStdGroups).toBe(1);
      }
    }
    expect(adv([0.3, 0.3], { groupSize: 2, eps: 0 })).toEqual([0, 0]);
  });

  it('scale none is r - mean (Dr. GRPO), scale batch divides by the std of the whole batch', () => {
    expect(adv([1, 0, 0.5, 0.5], { groupSize: 2, scale: 'none' })).toEqual([0.5, -0.5, 0, 0]);
    const r = groupAdvantages([1, 0, 0.5, 0.5], { groupSize: 2, scale: 'batch', preset: 'trl' });
    // sample std of [1, 0, 0.5, 0.5] = sqrt(0.5 / 3)
    expect(r.report.batchStd).toBe(Math.sqrt(0.5 / 3));
    expect(Array.from(r.advantages)).toEqual([0.5 / (Math.sqrt(0.5 / 3) + 1e-4), -0.5 / (Math.sqrt(0.5 / 3) + 1e-4), 0, 0]);
  });
});

describe('groupAdvantages: the other estimators', () => {
  it('rloo: r minus the mean of the others; a group of one gets 0 (verl: r)', () => {
    expect(adv([1, 0.5, 0], { groupSize: 3, estimator: 'rloo' })).toEqual([0.75, 0, -0.75]);
    expect(adv([0.4], { groupSize: 1, estimator: 'rloo' })).toEqual([0]);
    expect(adv([0.4], { groupSize: 1, estimator: 'rloo', preset: 'verl' })).toEqual([0.4]);
  });

  it('opo: the length-weighted baseline', () => {
    // baseline = (1 * 10 + 0 * 30) / 40 = 0.25
    expect(adv([1, 0], { groupSize: 2, estimator: 'opo', lengths: [10, 30] })).toEqual([0.75, -0.25]);
    // all lengths 0: the plain mean
    expect(adv([1, 0], { groupSize: 2, estimator: 'opo', lengths: [0, 0] })).toEqual([0.5, -0.5]);
  });

  it('gpg: alpha (r - mean), alpha = B / non-zero rewards', () => {
    const r = groupAdvantages([1, 0, 0, 0], { groupSize: 2, estimator: 'gpg' });
    expect(r.report.alpha).toBe(4);
    expect(Array.from(r.advantages)).toEqual([2, -2, 0, 0]);
    expect(groupAdvantages([0, 0], { groupSize: 2, estimator: 'gpg' }).report.alpha).toBe(2);
  });

  it('reinforce_baseline: r - mean, whitened over the tokens', () => {
    // r - mean = [0.5, -0.5] with 1 and 3 tokens: token mean -0.25, token sample var = (0.5625 + 3 * 0.0625) / 3 = 0.25
    const r = groupAdvantages([1, 0], { groupSize: 2, estimator: 'reinforce_baseline', lengths: [1, 3] });
    expect(r.report.whiten).toEqual({ mean: -0.25, std: 0.5, tokens: 4 });
    expect(Array.from(r.advantages)).toEqual([0.75 / Math.sqrt(0.25 + 1e-8), -0.25 / Math.sqrt(0.25 + 1e-8)]);
    // OpenRLHF: population variance (0.1875), clamped at 1e-8 rather than added.
    const o = groupAdvantages([1, 0], { groupSize: 2, estimator: 'reinforce_baseline', lengths: [1, 3], preset: 'openrlhf' });
    expect(Array.from(o.advantages)).toEqual([0.75 / Math.sqrt(0.1875), -0.25 / Math.sqrt(0.1875)]);
    // Without lengths every rollout weighs one token.
    const n = groupAdvantages([1, 0, 1, 1], { groupSize: 2, estimator: 'reinforce_baseline' });
    expect(n.report.whiten?.tokens).toBe(4);
  });
});

describe('groupAdvantages: clipRange', () => {
  it("clamps before whitening; OpenRLHF's preset clamps to [-10, 10]", () => {
    expect(adv([30, 0], { groupSize: 2, scale: 'none', clipRange: [-1, 2] })).toEqual([2, -1]);
    expect(adv([30, 0], { groupSize: 2, scale: 'none', preset: 'openrlhf' })).toEqual([10, -10]);
    expect(adv([30, 0], { groupSize: 2, scale: 'none', preset: 'openrlhf', clipRange: null })).toEqual([15, -15]);
    // reinforce_baseline: [15, -15] clamped to [10, -10], then whitened (population var 100, clamp mode)
    expect(adv([30, 0], { groupSize: 2, estimator: 'reinforce_baseline', preset: 'openrlhf' })).toEqual([1, -1]);
    expect(() => groupAdvantages([1, 2], { groupSize: 2, clipRange: [1, 0] })).toThrow(
      /'options.clipRange' must be null or two finite numbers \[low, high\] with low <= high, got \[1,0\]/,
    );
  });
});

describe('groupAdvantages: missing rewards', () => {
  it("'exclude' (default): out of the statistics, advantage 0, counted", () => {
    const r = groupAdvantages([1, null, 0, Number.NaN, null, null], { groupSize: 2, scale: 'none' });
    expect(Array.from(r.advantages)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(r.report).toMatchObject({ missing: 4, emptyGroups: 1, singletonGroups: 2 });
    expect(adv([1, null, 0, 0.5], { groupSize: 4, scale: 'none' })).toEqual([0.5, 0, -0.5, 0]);
  });

  it("'zero' (TRL's nansum): a missing reward counts as 0", () => {
    expect(adv([1, null, 0, 0.5], { groupSize: 4, scale: 'none', missing: 'zero' })).toEqual([0.625, -0.375, -0.375, 0.125]);
    expect(adv([1, null, 0.5], { groupSize: 3, preset: 'trl', scale: 'none' })).toEqual([0.5, -0.5, 0]);
    expect(groupAdvantages([null, null], { groupSize: 2, preset: 'trl' }).report.missing).toBe(2);
  });
});

describe('groupAdvantages: report and settings', () => {
  it('reports the settings applied, preset then explicit options', () => {
    const r = groupAdvantages([1, 0], { groupSize: 2, preset: 'trl', eps: 0.5 });
    expect(r.report.settings).toEqual({ ...defaultAdvantageSettings, ...advantagePresets.trl, eps: 0.5, preset: 'trl' });
    expect(groupAdvantages([1, 0], { groupSize: 2 }).report.settings).toEqual({ ...defaultAdvantageSettings, preset: null });
  });

  it('accepts a Float64Array and an empty batch', () => {
    expect(adv(new Float64Array([1, 0]), { groupSize: 2, scale: 'none' })).toEqual([0.5, -0.5]);
    expect(groupAdvantages([], { groupSize: 4 }).report).toMatchObject({ rollouts: 0, groups: 0 });
  });
});

describe('groupAdvantages: bad input', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => groupAdvantages('1,2' as never, { groupSize: 1 }), /groupAdvantages: argument 'rewards' must be an array or a typed array of numbers, got string/],
    [() => groupAdvantages([1, '2' as never], { groupSize: 1 }), /groupAdvantages: rewards\[1\] must be a number, null or NaN \(missing\), got string/],
    [() => groupAdvantages([0, 1, 2, 3, 4, 5, 6, Infinity], { groupSize: 1 }), /groupAdvantages: rewards\[7\] is Infinity, expected a finite number/],
    [() => groupAdvantages([1, -Infinity], { groupSize: 1 }), /rewards\[1\] is -Infinity/],
    [() => groupAdvantages([1, 2, 3], { groupSize: 2 }), /argument 'options.groupSize' \(2\) does not divide the number of rewards \(3\)/],
    [() => groupAdvantages([1, 2], { groupSize: 0 }), /'options.groupSize' must be a positive integer, got 0/],
    [() => groupAdvantages([1, 2], { groupSize: 1.5 }), /'options.groupSize' must be a positive integer, got 1.5/],
    [() => groupAdvantages([1, 2], {} as never), /give exactly one of options 'groupSize' and 'groupIds', got neither/],
    [() => groupAdvantages([1, 2], { groupSize: 1, groupIds: [1, 2] } as never), /got both/],
    [() => groupAdvantages([1, 2], { groupIds: [1] }), /'options.groupIds' has 1 entries but there are 2 rewards/],
    [() => groupAdvantages([1, 2, 3], { groupIds: [1, 2, 2.5] }), /groupAdvantages: groupIds\[2\] must be an integer, got 2.5/],
    [() => groupAdvantages([1, 2], { groupIds: [1, '2' as never] }), /groupIds\[1\] must be an integer, got string/],
    [() => groupAdvantages([1, 2], { groupSize: 2, estimator: 'opo' }), /estimator 'opo' needs option 'lengths'/],
    [() => groupAdvantages([1, 2], { groupSize: 2, estimator: 'opo', lengths: [3] }), /'options.lengths' has 1 entries but there are 2 rewards/],
    [() => groupAdvantages([1, 2], { groupSize: 2, estimator: 'opo', lengths: [3, -1] }), /lengths\[1\] must be a finite number >= 0 \(a token count\), got -1/],
    [() => groupAdvantages([1, 2], { groupSize: 2, estimator: 'ppo' as never }), /option 'estimator' must be 'grpo', 'rloo', 'reinforce_baseline', 'opo', 'gpg', got "ppo"/],
    [() => groupAdvantages([1, 2], { groupSize: 2, preset: 'deepspeed' as never }), /option 'preset' must be 'verl', 'trl', 'openrlhf', got "deepspeed"/],
    [() => groupAdvantages([1, 2], { groupSize: 2, estimator: 'rloo', scale: 'none' }), /option 'scale' applies to estimator 'grpo' only/],
    [() => groupAdvantages([1, 2], { groupSize: 2, eps: -1 }), /'options.eps' must be a finite number >= 0, got -1/],
    [() => groupAdvantages([1, 2], { groupSize: 2, std: 'biased' as never }), /option 'std' must be 'sample', 'population', got "biased"/],
    [() => groupAdvantages([1, 2], null as never), /argument 'options' must be an object/],
  ];
  it.each(cases.map(([f, re], i) => [i, f, re] as const))('case %i', (_i, f, re) => {
    expect(f).toThrow(re);
  });

  it('uses TypeError and RangeError as documented', () => {
    expect(() => groupAdvantages([1, Infinity], { groupSize: 1 })).toThrow(RangeError);
    expect(() => groupAdvantages([1, 2, 3], { groupSize: 2 })).toThrow(RangeError);
    expect(() => groupAdvantages([1, 2], { groupIds: [1, 0.5] })).toThrow(TypeError);
    expect(() => groupAdvantages([1, 2], { groupSize: 2, estimator: 'opo', lengths: [1] })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const reward = fc.oneof(
  fc.constantFrom(0, 1, 0.5, -1),
  fc.double({ min: -1, max: 1, noNaN: true }),
  fc.double({ min: -1e3, max: 1e3, noNaN: true }),
);
/** A batch in contiguous groups: G in 1..8, 1..6 groups. */
const batch = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 }))
  .chain(([g, k]) => fc.tuple(fc.constant(g), fc.array(reward, { minLength: g * k, maxLength: g * k })));
const ESTIMATORS: AdvantageEstimator[] = ['grpo', 'rloo', 'reinforce_baseline', 'opo', 'gpg'];

describe('groupAdvantages: properties', () => {
  it('grpo advantages of a group sum to ~0', () => {
    fc.assert(
      fc.property(batch, fc.constantFrom('group', 'batch', 'none' as const), ([g, r], scale) => {
        const { advantages: a, report } = groupAdvantages(r, { groupSize: g, scale });
        for (let s = 0; s < r.length; s += g) {
          const rs = r.slice(s, s + g);
          const m = naiveMean(rs);
          const std = Math.sqrt(rs.reduce((acc, x) => acc + (x - m) ** 2, 0) / Math.max(g - 1, 1));
          // Rounding of r - mean (a few ulps of the rewards) is amplified by 1 / (std + eps).
          const divisor = scale === 'group' ? std + 1e-6 : scale === 'batch' ? (report.batchStd as number) + 1e-6 : 1;
          const bound = (1e-12 * g * Math.max(1, ...rs.map(Math.abs))) / Math.min(divisor, 1);
          expect(Math.abs(Array.from(a.subarray(s, s + g)).reduce((x, y) => x + y, 0))).toBeLessThanOrEqual(bound);
        }
      }),
    );
  });

  it('rloo = G/(G-1) (r - mean) = r - mean of the others', () => {
    fc.assert(
      fc.property(batch, ([g, r]) => {
        fc.pre(g > 1);
        const a = groupAdvantages(r, { groupSize: g, estimator: 'rloo' }).advantages;
        const expected = r.map((x, i) => {
          const s = i - (i % g);
          const others = r.slice(s, s + g).filter((_, j) => s + j !== i);
          return x - naiveMean(others);
        });
        const scale = Math.max(1, ...r.map(Math.abs));
        expectClose(a, expected.map((e) => e), 1e-12 * g * scale);
      }),
    );
  });

  it("scale 'none' equals r - mean, and gpg is alpha times it", () => {
    fc.assert(
      fc.property(batch, ([g, r]) => {
        fc.pre(g > 1);
        const none = groupAdvantages(r, { groupSize: g, scale: 'none' }).advantages;
        const expected = r.map((x, i) => x - naiveMean(r.slice(i - (i % g), i - (i % g) + g)));
        expectClose(none, expected, 1e-12 * g * Math.max(1, ...r.map(Math.abs)));
        const gpg = groupAdvantages(r, { groupSize: g, estimator: 'gpg' });
        const alpha = gpg.report.alpha as number;
        expect(alpha).toBe(r.length / Math.max(1, r.filter((x) => x !== 0).length));
        expectClose(gpg.advantages, Array.from(none, (x) => alpha * x));
      }),
    );
  });

  it('opo with equal lengths is r - mean', () => {
    fc.assert(
      fc.property(batch, fc.integer({ min: 1, max: 4096 }), ([g, r], len) => {
        const opo = groupAdvantages(r, { groupSize: g, estimator: 'opo', lengths: r.map(() => len) }).advantages;
        const none = groupAdvantages(r, { groupSize: g, scale: 'none' }).advantages;
        expectClose(opo, Array.from(none), 1e-12 * g * Math.max(1, ...r.map(Math.abs)));
      }),
    );
  });

  it('reinforce_baseline advantages have token-weighted mean ~0', () => {
    fc.assert(
      fc.property(batch, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 48, maxLength: 48 }), ([g, r], ls) => {
        const lengths = r.map((_, i) => ls[i] as number);
        const a = groupAdvantages(r, { groupSize: g, estimator: 'reinforce_baseline', lengths }).advantages;
        const tokens = lengths.reduce((x, y) => x + y, 0);
        const mean = Array.from(a).reduce((s, x, i) => s + x * (lengths[i] as number), 0) / tokens;
        expect(Math.abs(mean)).toBeLessThanOrEqual(1e-9 * Math.max(1, ...Array.from(a, Math.abs)));
      }),
    );
  });

  it('permuting the rollouts (with their groupIds) permutes the advantages bit for bit', () => {
    fc.assert(
      fc.property(
        batch,
        fc.constantFrom(...ESTIMATORS),
        fc.constantFrom('verl', 'trl', 'openrlhf', undefined),
        fc.infiniteStream(fc.nat()),
        ([g, r], estimator, preset, seeds) => {
          const ids = r.map((_, i) => Math.floor(i / g) * 7 - 3);
          const lengths = r.map((_, i) => (i * 37) % 101);
          const order = r.map((_, i) => i);
          const it = seeds[Symbol.iterator]();
          for (let i = order.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1);
            [order[i], order[j]] = [order[j] as number, order[i] as number];
          }
          const base = { estimator, lengths, ...(preset === undefined ? {} : { preset }) };
          const a = groupAdvantages(r, { groupIds: ids, ...base }).advantages;
          const b = groupAdvantages(
            order.map((i) => r[i] as number),
            { groupIds: order.map((i) => ids[i] as number), ...base, lengths: order.map((i) => lengths[i] as number) },
          ).advantages;
          order.forEach((i, k) => expect(Object.is(b[k], a[i])).toBe(true));
        },
      ),
    );
  });

  it("a missing reward under 'exclude' is the same as leaving the rollout out", () => {
    fc.assert(
      fc.property(batch, fc.constantFrom(...ESTIMATORS), fc.array(fc.boolean(), { minLength: 48, maxLength: 48 }), ([g, r], estimator, drop) => {
        const withNull = r.map((x, i) => (drop[i] ? null : x));
        const ids = r.map((_, i) => Math.floor(i / g));
        const lengths = r.map((_, i) => 1 + ((i * 13) % 17));
        const kept = r.map((_, i) => i).filter((i) => !drop[i]);
        const full = groupAdvantages(withNull, { groupIds: ids, estimator, lengths }).advantages;
        const part = groupAdvantages(
          kept.map((i) => r[i] as number),
          { groupIds: kept.map((i) => ids[i] as number), estimator, lengths: kept.map((i) => lengths[i] as number) },
        ).advantages;
        kept.forEach((i, k) => expect(Object.is(full[i], part[k])).toBe(true));
        r.forEach((_, i) => {
          if (drop[i]) expect(full[i]).toBe(0);
        });
      }),
    );
  });

  it('never returns NaN or Infinity for finite rewards', () => {
    fc.assert(
      fc.property(batch, fc.constantFrom(...ESTIMATORS), fc.constantFrom('verl', 'trl', 'openrlhf', undefined), ([g, r], estimator, preset) => {
        const a = groupAdvantages(r, {
          groupSize: g,
          estimator,
          lengths: r.map((_, i) => i % 3),
          eps: 0,
          whitenEps: 0,
          ...(preset === undefined ? {} : { preset }),
        }).advantages;
        for (const x of a) expect(Number.isFinite(x)).toBe(true);
      }),
    );
  });
});

describe('groupAdvantages: overflow', () => {
  it('refuses rewards whose statistics overflow float64 instead of returning Infinity', () => {
    expect(() => groupAdvantages([1e200, -1e200], { groupSize: 2 })).toThrow(
      /groupAdvantages: the rewards are too large for float64 statistics/,
    );
    expect(() => groupAdvantages([1.7e308, 1.7e308, 0], { groupSize: 3 })).toThrow(RangeError);
    // Equal huge rewards are fine (no arithmetic needed).
    expect(adv([1e300, 1e300], { groupSize: 2 })).toEqual([0, 0]);
  });
});
