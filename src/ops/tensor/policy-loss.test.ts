import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { policyLoss } from './policy-loss.js';
import { readPolicyLossMetrics } from './read-policy-loss-metrics.js';
import { overflowCases, type OverflowPolicyCase } from '../arrays/_overflow-fixtures.js';
import { setHostChecks } from './_validate.js';
import {
  HOST_VARIANTS,
  activate,
  checkAll,
  checkPolicyCase,
  directionalCheck,
  fixtureCases,
  mismatch,
  runPolicyLoss,
  type PolicyLossCase,
} from './_test-support.js';

const CASES = fixtureCases<PolicyLossCase>('policy-loss');
// float64 references; float32 inputs and outputs (see scripts/gen_ops_fixtures.py)
const TOL = { rtol: 1e-6, atol: 1e-7 };

/** The finite-difference step a case allows: its decisions stay a relative 1e-3 (tiny clips: a quarter of the range) from their boundaries. */
function fdStep(c: PolicyLossCase): number {
  const lo = c.options.clipLow ?? 0.2;
  const hi = c.options.clipHigh ?? 0.2;
  return Math.min(1e-3, Math.min(lo, hi) / 4) / 10;
}

const lp2 = () => tf.tensor2d([[-1, -0.5], [-2, -0.1]]);
const inputs2 = () => ({
  oldLogProbs: tf.tensor2d([[-1.1, -0.5], [-1.5, -0.1]]),
  advantages: tf.tensor1d([1, -1]),
  mask: tf.tensor2d([[1, 1], [1, 0]]),
});

// the SIMD switch only concerns the logits kernels
describe.each(HOST_VARIANTS.filter((v) => v.simd !== false))('policyLoss on $name', (variant) => {
  beforeAll(async () => {
    await activate(variant);
  });

  it(`matches the float64 fixtures: ${CASES.length} cases (loss, metrics, gradient w.r.t. logProbs)`, async () => {
    const failures = await checkAll(CASES, (c) => checkPolicyCase(c, TOL));
    expect(failures).toEqual([]);
  });

  it('has the gradient of finite differences (random directions, float32 steps)', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const c of CASES) {
      if (c.expected.metrics.tokens === 0 || c.id.endsWith('-norm')) continue;
      // CISPO's weight and GSPO's sequence ratio (with per-token advantages) are stop-gradients:
      // there the gradient is, by definition, not the derivative of the value.
      if (c.options.loss === 'cispo' || (c.options.loss === 'gspo' && c.advantagesShape.length === 2)) continue;
      checked++;
      const h = fdStep(c);
      const { grad } = await runPolicyLoss(c);
      const f = async (lp: Float32Array) => (await runPolicyLoss(c, lp)).loss;
      const [fd, analytic] = await directionalCheck(c.logProbs, grad, f, h, c.id.length);
      // float32 loss values: f carries ~1e-7 relative noise (fused: one rounding; composed: a
      // float32 op per step), divided by a step of ~h
      const noise = (variant.fused ? 4e-7 : 4e-6) * Math.max(1, Math.abs(c.expected.loss));
      if (!(Math.abs(fd - analytic) <= noise + 2e-3 * Math.abs(analytic))) {
        failures.push(`${c.id}: finite difference ${fd}, gradient says ${analytic} (step ${h})`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('gives a zero loss, zero metrics and a zero gradient for an all-zero mask, never NaN', () => {
    for (const aggregation of ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum', 'seq-mean-token-sum-norm'] as const) {
      tf.tidy(() => {
        const t = { ...inputs2(), mask: tf.zeros([2, 2]) };
        const { value, grads } = tf.valueAndGrads((lp: tf.Tensor) => policyLoss({ ...t, logProbs: lp }, { aggregation }).loss)([lp2()]);
        const { metrics } = policyLoss({ ...t, logProbs: lp2() }, { aggregation });
        expect(value.dataSync()[0]).toBe(0);
        expect(Array.from((grads[0] as tf.Tensor).dataSync()).every((x) => x === 0)).toBe(true);
        expect([metrics.clipFraction, metrics.clipFractionLower, metrics.approxKl, metrics.tokens].map((s) => s.dataSync()[0])).toEqual([0, 0, 0, 0]);
      });
    }
  });

  it('reads the metrics in one transfer, with emptyMask', async () => {
    const { loss, metrics } = policyLoss({ logProbs: lp2(), ...inputs2() }, { loss: 'ppo' });
    const m = await readPolicyLossMetrics(metrics);
    expect(m.tokens).toBe(3);
    expect(m.emptyMask).toBe(false);
    expect(m.approxKl).toBeCloseTo((0.1 + 0 - 0.5) / -3, 6);
    tf.dispose([loss, metrics.clipFraction, metrics.clipFractionLower, metrics.approxKl, metrics.tokens]);
  });

  it('scales the gradient by the incoming one (the in-place backward pass)', () => {
    tf.tidy(() => {
      const t = inputs2();
      const g1 = tf.grad((lp: tf.Tensor) => policyLoss({ ...t, logProbs: lp }).loss)(lp2()).dataSync();
      const g3 = tf.grad((lp: tf.Tensor) => tf.mul(policyLoss({ ...t, logProbs: lp }).loss, -3))(lp2()).dataSync();
      expect(Array.from(g3)).toEqual(Array.from(g1).map((x) => Math.fround(-3 * x)));
      // twice in one tape: both gradients add up
      const g2 = tf.grad((lp: tf.Tensor) => tf.add(policyLoss({ ...t, logProbs: lp }).loss, policyLoss({ ...t, logProbs: lp }).loss))(lp2()).dataSync();
      expect(Array.from(g2)).toEqual(Array.from(g1).map((x) => Math.fround(2 * x)));
    });
  });

  it('accepts int32 and bool masks, and leaks no tensors', () => {
    const t = inputs2();
    const lp = lp2();
    const masks = [tf.tensor2d([[1, 1], [1, 0]], [2, 2], 'int32'), tf.tensor2d([[1, 1], [1, 0]], [2, 2], 'bool')];
    const before = tf.memory().numTensors;
    const f32 = policyLoss({ logProbs: lp, ...t });
    for (const mask of masks) {
      const other = policyLoss({ logProbs: lp, ...t, mask });
      expect(other.loss.dataSync()[0]).toBe(f32.loss.dataSync()[0]);
      tf.dispose(other as never);
    }
    tf.dispose(f32 as never);
    tf.grad((x: tf.Tensor) => policyLoss({ ...t, logProbs: x }).loss)(lp).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([lp, ...masks, ...Object.values(t)]);
  });

  it('names the argument and both shapes when a shape does not fit', () => {
    const t = inputs2();
    expect(() => policyLoss({ ...t, logProbs: lp2(), oldLogProbs: tf.zeros([2, 3]) })).toThrow(
      "policyLoss: argument 'oldLogProbs' has shape [2, 3], but logProbs of shape [2, 2] needs [2, 2]",
    );
    expect(() => policyLoss({ ...t, logProbs: lp2(), advantages: tf.zeros([3]) })).toThrow(
      "policyLoss: argument 'advantages' has shape [3], but logProbs of shape [2, 2] needs [2]",
    );
    expect(() => policyLoss({ ...t, logProbs: lp2(), advantages: tf.zeros([2, 2, 1]) })).toThrow(
      "policyLoss: argument 'advantages' has shape [2, 2, 1], but logProbs of shape [2, 2] needs [2] or [2, 2]",
    );
    expect(() => policyLoss({ ...t, logProbs: lp2(), mask: tf.zeros([4]) })).toThrow(
      "policyLoss: argument 'mask' has shape [4], but logProbs of shape [2, 2] needs [2, 2]",
    );
    expect(() => policyLoss({ ...t, logProbs: tf.zeros([4]) })).toThrow("policyLoss: argument 'logProbs' must be [B, T], got shape [4]");
    expect(() => policyLoss({ ...t, logProbs: tf.zeros([2, 2], 'int32') })).toThrow("policyLoss: argument 'logProbs' must be float32, got int32");
    expect(() => policyLoss({ ...t, logProbs: [[1]] as never })).toThrow("policyLoss: argument 'logProbs' must be a tf.Tensor, got array");
    expect(() => policyLoss({ ...t, logProbs: lp2() }, { clipLow: -1 })).toThrow(/policyLoss: option 'clipLow'/);
  });

  it('throws on NaN / Infinity at a valid position and on a mask value other than 0/1; ignores masked positions', () => {
    const t = inputs2();
    expect(() => policyLoss({ ...t, logProbs: tf.tensor2d([[-1, NaN], [-2, -0.1]]) })).toThrow(
      'policyLoss: logProbs[0, 1] (flat index 1) is NaN; values at valid (mask 1) positions must be finite',
    );
    expect(() => policyLoss({ ...t, logProbs: lp2(), advantages: tf.tensor1d([1, Infinity]) })).toThrow(
      'policyLoss: advantages[1] is Infinity; values at valid (mask 1) positions must be finite',
    );
    expect(() => policyLoss({ ...t, logProbs: lp2(), mask: tf.tensor2d([[1, 0.5], [1, 0]]) })).toThrow(
      'policyLoss: mask[0, 1] (flat index 1) is 0.5, expected 0 or 1',
    );
    for (const loss of ['ppo', 'gspo', 'cispo', 'reinforce', 'sapo'] as const) {
      const clean = policyLoss({ ...t, logProbs: lp2() }, { loss }).loss.dataSync()[0];
      const junk = policyLoss(
        { ...t, logProbs: tf.tensor2d([[-1, -0.5], [-2, NaN]]), oldLogProbs: tf.tensor2d([[-1.1, -0.5], [-1.5, Infinity]]) },
        { loss },
      ).loss.dataSync()[0];
      expect(junk).toBe(clean);
    }
  });

  it('computes no gradient buffer without a tape, and the same loss', () => {
    const t = inputs2();
    const a = policyLoss({ ...t, logProbs: lp2() }).loss.dataSync()[0];
    const b = tf.valueAndGrad((lp: tf.Tensor) => policyLoss({ ...t, logProbs: lp }).loss)(lp2()).value.dataSync()[0];
    expect(a).toBe(b);
  });

  it('rejects unknown option keys, naming the key and the nearest valid one', () => {
    const t = { ...inputs2(), logProbs: lp2() };
    const valid = 'valid options: loss, clipLow, clipHigh, dualClip, aggregation, normalizer, logRatioClamp, sequenceLogRatioMax, sapoTau, cispoClip, validate';
    expect(() => policyLoss(t, { clip_ratio: 0.2 } as never)).toThrow(`policyLoss: unknown option 'clip_ratio' in 'options' (did you mean 'clipLow'?); ${valid}`);
    expect(() => policyLoss(t, { lossAgg: 'token-mean' } as never)).toThrow(/^policyLoss: unknown option 'lossAgg' in 'options' \(did you mean 'loss'\?\)/);
    expect(() => policyLoss(t, { clipRatiohigh: 0.28 } as never)).toThrow(/unknown option 'clipRatiohigh' in 'options' \(did you mean 'clipHigh'\?\)/);
    expect(() => policyLoss(t, { normalizer: { tokenz: 3 } } as never)).toThrow(
      "policyLoss: unknown option 'tokenz' in 'options.normalizer' (did you mean 'tokens'?); valid options: tokens, sequences, constant",
    );
    expect(() => policyLoss(t, { loss: 'sapo', sapoTau: { positive: 1, negativ: 1 } } as never)).toThrow(/unknown option 'negativ' in 'options.sapoTau' \(did you mean 'negative'\?\)/);
    expect(() => policyLoss(t, { validate: 'yes' } as never)).toThrow("policyLoss: option 'validate' must be a boolean, got string");
  });

  it('returns the float64 edge values where they fit float32, and throws where they overflow it', async () => {
    const failures: string[] = [];
    for (const c of overflowCases<OverflowPolicyCase>('policyLoss')) {
      const t = { oldLogProbs: tf.tensor2d(c.oldLogProbs, c.shape), advantages: tf.tensor(c.advantages, c.advantagesShape), mask: tf.tensor2d(c.mask, c.shape) };
      const lp = tf.tensor2d(c.logProbs, c.shape);
      const run = () => tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => policyLoss({ ...t, logProbs: x }, c.options).loss)(lp);
        return [value.dataSync()[0] as number, Array.from(grad.dataSync())] as const;
      });
      try {
        if (c.overflows.float32) {
          expect(run, c.id).toThrow(/^policyLoss: the (loss|gradient w\.r\.t\. logProbs) overflowed/);
        } else {
          const [loss, grad] = run();
          const e = c.expected as NonNullable<OverflowPolicyCase['expected']>;
          const problem = [mismatch('loss', [loss], [e.loss], TOL), mismatch('grad', grad, e.gradLogProbs, TOL)].filter((x) => x !== null);
          if (problem.length > 0) failures.push(`${c.id}: ${problem.join('; ')}`);
        }
      } finally {
        tf.dispose([lp, ...Object.values(t)]);
      }
    }
    expect(failures).toEqual([]);
  });

  it('names the position of a gradient that overflows float32 while the loss fits', () => {
    tf.tidy(() => {
      // CISPO: L = -1.2 A logp = 3.6e35 fits, d L / d logp = -1.2 A = -3.6e38 does not
      const t = { oldLogProbs: tf.tensor2d([[-1.001]]), advantages: tf.tensor1d([3e38]), mask: tf.ones([1, 1]) };
      const lp = tf.tensor2d([[-1e-3]]);
      expect(policyLoss({ ...t, logProbs: lp }, { loss: 'cispo' }).loss.dataSync()[0]).toBeCloseTo(3.6e35, -30);
      expect(() => tf.grad((x: tf.Tensor) => policyLoss({ ...t, logProbs: x }, { loss: 'cispo' }).loss)(lp)).toThrow(
        'policyLoss: the gradient w.r.t. logProbs overflowed to -Infinity at [0, 0] (flat index 0) (float32); check the scale of the log-probs and advantages',
      );
    });
  });

  // The fused cpu / wasm kernels check in-kernel whatever hostChecks says: only the composed
  // variants take the GPU path here.
  if (!variant.fused) {
    it('checks the same way through the GPU path (one reduction and one read)', () => {
      const previous = setHostChecks(false);
      try {
        const t = inputs2();
        expect(() => policyLoss({ ...t, logProbs: tf.tensor2d([[-1, NaN], [-2, -0.1]]) })).toThrow(
          'policyLoss: logProbs[0, 1] (flat index 1) is NaN; values at valid (mask 1) positions must be finite',
        );
        expect(() => policyLoss({ ...t, logProbs: lp2(), mask: tf.tensor2d([[1, 0.5], [1, 0]]) })).toThrow(
          'policyLoss: mask[0, 1] (flat index 1) is 0.5, expected 0 or 1',
        );
        const huge = { logProbs: tf.tensor2d([[0, -1]]), oldLogProbs: tf.tensor2d([[-100, -1]]), advantages: tf.tensor1d([-1]), mask: tf.ones([1, 2]) };
        expect(() => policyLoss(huge, { logRatioClamp: null, dualClip: null })).toThrow(/^policyLoss: the loss overflowed to Infinity/);
        expect(policyLoss(huge, { logRatioClamp: null }).loss.dataSync()[0]).toBe(2);
      } finally {
        setHostChecks(previous);
      }
    });
  }
});
