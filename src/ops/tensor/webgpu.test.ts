// The tensor ops on the webgpu backend (WGSL fused kernels, and the composed fallback), in
// Node through Dawn: Vulkan (a GPU, or Mesa's lavapipe) or else OpenGL (Mesa llvmpipe through
// EGL). Without any adapter the tests are skipped, with the reason in their names and on stderr.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../backends/index.js';
import { overflowCases, type OverflowKlCase, type OverflowPolicyCase } from '../arrays/_overflow-fixtures.js';
import { resolvePolicyLossOptions } from '../arrays/resolve-policy-loss-options.js';
import type { PolicyLossOptions } from '../types.js';
import { POLICY_LOSS } from './_kernels/names.js';
import { STAT } from './_kernels/policy-loss-math.js';
import { aggregateLoss } from './aggregate-loss.js';
import { entropyFromLogits } from './entropy-from-logits.js';
import { klPenalty } from './kl-penalty.js';
import { policyLoss } from './policy-loss.js';
import { readPolicyLossMetrics } from './read-policy-loss-metrics.js';
import { tokenLogProbs } from './token-log-probs.js';
import {
  activate,
  checkAll,
  checkKlCase,
  checkLogitsCase,
  checkPolicyCase,
  fixtureCases,
  mismatch,
  readAll,
  type KlCase,
  type LogitsCase,
  type PolicyLossCase,
} from './_test-support.js';

async function setUp(): Promise<{ ok: true; adapter: string } | { ok: false; reason: string }> {
  const reasons: string[] = [];
  for (const flags of [['backend=vulkan'], ['backend=opengl']]) {
    try {
      const info = await useBackend('webgpu', { dawnFlags: flags });
      return { ok: true, adapter: `${flags[0]}: ${info.adapter?.description ?? '?'}` };
    } catch (error) {
      reasons.push(`${flags[0]}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return { ok: false, reason: reasons.join('; ') };
}

const setup = await setUp();
if (!setup.ok) console.warn(`[srl-kit ops] webgpu tests skipped: ${setup.reason}`);
const title = setup.ok ? `on webgpu (${setup.adapter})` : `on webgpu: SKIPPED, no adapter (${setup.reason})`;
// GPU exp / log are a few ulp off, more than the host kernels' float64
const TOL = { rtol: 1e-5, atol: 1e-6 };

describe.skipIf(!setup.ok)(title, () => {

  it('fused: policyLoss, tokenLogProbs, entropyFromLogits and klPenalty match the float64 fixtures', async () => {
    await activate({ name: 'webgpu fused', backend: 'webgpu', fused: true });
    const failures = [
      ...(await checkAll(fixtureCases<PolicyLossCase>('policy-loss'), (c) => checkPolicyCase(c, TOL))),
      ...(await checkAll(fixtureCases<LogitsCase>('logits'), (c) => checkLogitsCase(c, TOL))),
      ...(await checkAll(fixtureCases<KlCase>('kl'), (c) => checkKlCase(c, TOL))),
    ];
    expect(failures).toEqual([]);
  });

  it('composed (the fallback for backends without fused kernels): a sample of the fixtures', async () => {
    await activate({ name: 'webgpu composed', backend: 'webgpu', fused: false });
    const every = <T>(xs: T[], n: number) => xs.filter((_, i) => i % n === 0);
    const failures = [
      ...(await checkAll(every(fixtureCases<PolicyLossCase>('policy-loss'), 9), (c) => checkPolicyCase(c, TOL))),
      ...(await checkAll(every(fixtureCases<LogitsCase>('logits'), 4), (c) => checkLogitsCase(c, TOL))),
    ];
    expect(failures).toEqual([]);
  });

  it('does not check by default on webgpu (no sync per call): a bad input poisons the loss; an explicit validate: true is refused in Node, naming the way out', async () => {
    await activate({ name: 'webgpu fused', backend: 'webgpu', fused: true });
    const x = tf.tensor2d([[-1, -0.5]]);
    const bad = tf.tensor2d([[-1, NaN]]);
    const out = policyLoss({ logProbs: bad, oldLogProbs: x, advantages: tf.tensor1d([1]), mask: tf.ones([1, 2]) });
    expect(Number.isNaN((await out.loss.data())[0])).toBe(true);
    const why = /option 'validate: true' checks the values with one synchronous read, which tfjs's webgpu backend cannot do here .*leave it out/;
    const on = { validate: true };
    expect(() => policyLoss({ logProbs: x, oldLogProbs: x, advantages: tf.tensor1d([1]), mask: tf.ones([1, 2]) }, on)).toThrow(new RegExp(`^policyLoss: ${why.source}`));
    expect(() => tokenLogProbs(x, tf.tensor1d([0], 'int32'), on)).toThrow(new RegExp(`^tokenLogProbs: ${why.source}`));
    expect(() => entropyFromLogits(x, on)).toThrow(new RegExp(`^entropyFromLogits: ${why.source}`));
    expect(() => klPenalty(x, x, 'k3', on)).toThrow(new RegExp(`^klPenalty: ${why.source}`));
    expect(() => aggregateLoss(x, tf.ones([1, 2]), 'token-mean', undefined, on)).toThrow(new RegExp(`^aggregateLoss: ${why.source}`));
  });

  it('fused, validate: false: bad inputs give NaN (loss and whole gradient) without a sync, an empty mask gives 0, metrics read in one transfer', async () => {
    await activate({ name: 'webgpu fused', backend: 'webgpu', fused: true });
    const off = { validate: false };
    const lp = tf.tensor2d([[-1, NaN], [-2, -0.1]]);
    const t = { oldLogProbs: tf.tensor2d([[-1.1, -0.5], [-1.5, -0.1]]), advantages: tf.tensor1d([1, -1]) };
    const bad = policyLoss({ ...t, logProbs: lp, mask: tf.ones([2, 2]) }, off);
    const masked = policyLoss({ ...t, logProbs: lp, mask: tf.tensor2d([[1, 0], [1, 1]]) }, off);
    const empty = policyLoss({ ...t, logProbs: lp, mask: tf.zeros([2, 2]) }, off);
    const badGrad = tf.grad((x: tf.Tensor) => policyLoss({ ...t, logProbs: x, mask: tf.ones([2, 2]) }, off).loss)(lp);
    const [b, m, e, g] = await readAll([bad.loss, masked.loss, empty.loss, badGrad]);
    expect(Number.isNaN((b as Float32Array)[0])).toBe(true);
    expect(Number.isFinite((m as Float32Array)[0])).toBe(true);
    expect((e as Float32Array)[0]).toBe(0);
    expect(Array.from(g as Float32Array).every(Number.isNaN)).toBe(true);
    expect(await readPolicyLossMetrics(empty.metrics)).toEqual({ clipFraction: 0, clipFractionLower: 0, approxKl: 0, tokens: 0, emptyMask: true });
    const z = tf.tensor2d([[0, 1], [NaN, 0], [0, 1], [1, 0]]);
    // a NaN logit, an id out of range, and a float id 0.5 that must not become 0: NaN rows
    const [nanRow] = await readAll([tokenLogProbs(z, tf.tensor1d([0, 0, 5, 0], 'int32'), off)]);
    expect(Array.from(nanRow as Float32Array).map(Number.isNaN)).toEqual([false, true, true, false]);
    const [floatIds, floatGrad] = await readAll([
      tokenLogProbs(z, tf.tensor1d([0, 1, 1, 0.5]), off),
      tf.grad((x: tf.Tensor) => tf.sum(tokenLogProbs(x, tf.tensor1d([0, 1, 1, 0.5]), off)))(z),
    ]);
    expect(Array.from(floatIds as Float32Array).map(Number.isNaN)).toEqual([false, true, false, true]);
    expect(Array.from(floatGrad as Float32Array).map(Number.isNaN)).toEqual([false, false, true, true, false, false, true, true]);
  });

  it('fused, validate: false: the float64 edges fit float32 or come out non-finite, never as a plausible number', async () => {
    await activate({ name: 'webgpu fused', backend: 'webgpu', fused: true });
    const off = { validate: false };
    const failures: string[] = [];
    for (const c of overflowCases<OverflowPolicyCase>('policyLoss')) {
      const t = { oldLogProbs: tf.tensor2d(c.oldLogProbs, c.shape), advantages: tf.tensor(c.advantages, c.advantagesShape), mask: tf.tensor2d(c.mask, c.shape) };
      const lp = tf.tensor2d(c.logProbs, c.shape);
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => policyLoss({ ...t, logProbs: x }, { ...c.options, ...off }).loss)(lp);
      const [loss, g] = (await readAll([value, grad])) as [Float32Array, Float32Array];
      tf.dispose([lp, ...Object.values(t)]);
      if (c.overflows.float32) {
        if ([loss[0] as number, ...g].every(Number.isFinite)) failures.push(`${c.id}: finite loss ${loss[0]} and gradient`);
        continue;
      }
      const e = c.expected as NonNullable<OverflowPolicyCase['expected']>;
      const problem = [mismatch('loss', loss, [e.loss], TOL), mismatch('grad', g, e.gradLogProbs, TOL)].filter((x) => x !== null);
      if (problem.length > 0) failures.push(`${c.id}: ${problem.join('; ')}`);
    }
    for (const c of overflowCases<OverflowKlCase>('kl')) {
      const [v] = (await readAll([klPenalty(tf.tensor1d(c.logProbs), tf.tensor1d(c.refLogProbs), c.estimator, { ...c.options, ...off })])) as [Float32Array];
      if (c.overflows.float32 !== !Array.from(v).every(Number.isFinite)) failures.push(`${c.id}: ${Array.from(v).join(', ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('fused: the stats count bad inputs and overflowing gradients (what validate: true reads in a browser)', async () => {
    await activate({ name: 'webgpu fused', backend: 'webgpu', fused: true });
    const run = (lp: number[], old: number[], adv: number[], options: PolicyLossOptions) =>
      tf.engine().runKernel(
        POLICY_LOSS,
        { logProbs: tf.tensor2d(lp, [1, lp.length]), oldLogProbs: tf.tensor2d(old, [1, old.length]), advantages: tf.tensor1d(adv), mask: tf.ones([1, lp.length]) },
        { fn: 'policyLoss', options: resolvePolicyLossOptions(options) as never, needGrad: true },
      ) as tf.Tensor[];
    const [bad, w1] = run([-1, NaN, -2], [-1, -1, -1], [1], {}) as [tf.Tensor, tf.Tensor];
    const [over, w2] = run([-1e-3], [-1.001], [3e38], { loss: 'cispo' }) as [tf.Tensor, tf.Tensor];
    const [b, o] = (await readAll([bad, over])) as [Float32Array, Float32Array];
    tf.dispose([w1, w2]);
    expect([Number.isNaN(b[STAT.loss]), b[STAT.bad], b[STAT.overflow]]).toEqual([true, 1, 0]);
    expect(Math.abs((o[STAT.loss] as number) / 3.6e35 - 1)).toBeLessThan(1e-5);
    expect([o[STAT.bad], o[STAT.overflow]]).toEqual([0, 1]);
  });

  it('fused: leaks no tensors across forward and backward', async () => {
    await activate({ name: 'webgpu fused', backend: 'webgpu', fused: true });
    const c = fixtureCases<PolicyLossCase>('policy-loss')[0] as PolicyLossCase;
    const lp = tf.tensor2d(c.logProbs, c.shape);
    const t = { oldLogProbs: tf.tensor2d(c.oldLogProbs, c.shape), advantages: tf.tensor(c.advantages, c.advantagesShape), mask: tf.tensor2d(c.mask, c.shape) };
    const before = tf.memory().numTensors;
    const [g] = await readAll([tf.grad((x: tf.Tensor) => policyLoss({ ...t, logProbs: x }, { validate: false }).loss)(lp)]);
    expect((g as Float32Array).length).toBe(lp.size);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([lp, ...Object.values(t)]);
  });
});
