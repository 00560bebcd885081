// The tensor ops on the webgpu backend (WGSL fused kernels, and the composed fallback), in
// Node through Dawn: Vulkan (a GPU, or Mesa's lavapipe) or else OpenGL (Mesa llvmpipe through
// EGL). Without any adapter the tests are skipped, with the reason in their names and on stderr.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../backends/index.js';
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

  it('fused: bad inputs give NaN without a sync, an empty mask gives 0, metrics read in one transfer', async () => {
    await activate({ name: 'webgpu fused', backend: 'webgpu', fused: true });
    const lp = tf.tensor2d([[-1, NaN], [-2, -0.1]]);
    const t = { oldLogProbs: tf.tensor2d([[-1.1, -0.5], [-1.5, -0.1]]), advantages: tf.tensor1d([1, -1]) };
    const bad = policyLoss({ ...t, logProbs: lp, mask: tf.ones([2, 2]) });
    const masked = policyLoss({ ...t, logProbs: lp, mask: tf.tensor2d([[1, 0], [1, 1]]) });
    const empty = policyLoss({ ...t, logProbs: lp, mask: tf.zeros([2, 2]) });
    const [b, m, e] = await readAll([bad.loss, masked.loss, empty.loss]);
    expect(Number.isNaN((b as Float32Array)[0])).toBe(true);
    expect(Number.isFinite((m as Float32Array)[0])).toBe(true);
    expect((e as Float32Array)[0]).toBe(0);
    expect(await readPolicyLossMetrics(empty.metrics)).toEqual({ clipFraction: 0, clipFractionLower: 0, approxKl: 0, tokens: 0, emptyMask: true });
    const [nanRow] = await readAll([tokenLogProbs(tf.tensor2d([[0, 1], [NaN, 0]]), tf.tensor1d([0, 5], 'int32'))]);
    expect(Array.from(nanRow as Float32Array).map(Number.isNaN)).toEqual([false, true]);
  });

  it('fused: leaks no tensors across forward and backward', async () => {
    await activate({ name: 'webgpu fused', backend: 'webgpu', fused: true });
    const c = fixtureCases<PolicyLossCase>('policy-loss')[0] as PolicyLossCase;
    const lp = tf.tensor2d(c.logProbs, c.shape);
    const t = { oldLogProbs: tf.tensor2d(c.oldLogProbs, c.shape), advantages: tf.tensor(c.advantages, c.advantagesShape), mask: tf.tensor2d(c.mask, c.shape) };
    const before = tf.memory().numTensors;
    const [g] = await readAll([tf.grad((x: tf.Tensor) => policyLoss({ ...t, logProbs: x }).loss)(lp)]);
    expect((g as Float32Array).length).toBe(lp.size);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([lp, ...Object.values(t)]);
  });
});
