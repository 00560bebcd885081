/**
 * The WebGPU-through-Dawn test suite, run once per Dawn backend (one file each, so
 * each gets its own process and tfjs engine).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendInfo } from '../../src/backends/index.js';
import { isRequired, setUpDawn, type DawnPath } from './dawn.js';

/** A deterministic pseudo-random matrix. */
function matrix(rows: number, cols: number, seed: number): number[][] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return Array.from({ length: rows }, () => Array.from({ length: cols }, next));
}

function matMulJs(a: number[][], b: number[][]): number[] {
  const out: number[] = [];
  for (const row of a) {
    for (let j = 0; j < (b[0] as number[]).length; j++) {
      out.push(row.reduce((acc, v, k) => acc + v * ((b[k] as number[])[j] as number), 0));
    }
  }
  return out;
}

/** Defines the suite for one Dawn path (call at the top level of a test file). */
export async function webgpuSuite(path: DawnPath): Promise<void> {
  const setup = await setUpDawn(path);
  const required = isRequired(path);
  const where = setup.ok ? `${setup.info.adapter?.description}` : `${required ? 'MISSING' : 'SKIPPED'}: ${setup.reason}`;
  if (setup.ok) console.log(`[webgpu/${path}] ${where}; useBackend took ${setup.ms.toFixed(0)} ms`);
  else if (!required) console.warn(`[webgpu/${path}] ${where}`);

  describe(`webgpu through Dawn (${path})`, () => {
    it(`has an adapter${required ? ' (required by SRL_REQUIRE_WEBGPU)' : ''}: ${where}`, () => {
      if (!setup.ok && required) throw new Error(`SRL_REQUIRE_WEBGPU: ${setup.reason}`);
    });

    it.skipIf(!setup.ok)(`reports the adapter (${where})`, async () => {
      const info = await backendInfo();
      expect(info.name).toBe('webgpu');
      expect(tf.getBackend()).toBe('webgpu');
      const adapter = info.adapter;
      expect(adapter).toBeDefined();
      expect(adapter?.description).not.toBe('');
      expect(typeof adapter?.isFallbackAdapter).toBe('boolean');
      expect(adapter?.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
      expect(adapter?.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
      if (adapter?.vendor === 'mesa') expect(adapter.isFallbackAdapter).toBe(true); // lavapipe
    });

    it.skipIf(!setup.ok)(`runs a 64x64 matMul (${where})`, async () => {
      const a = matrix(64, 48, 1);
      const b = matrix(48, 64, 2);
      const got = await tf.matMul(tf.tensor2d(a), tf.tensor2d(b)).data();
      const want = matMulJs(a, b);
      for (let i = 0; i < want.length; i += 97) expect(got[i]).toBeCloseTo(want[i] as number, 3);
    });

    it.skipIf(!setup.ok)(`runs tf.grad: exp-sum and log-softmax + gather (${where})`, async () => {
      const g = await tf.grad((x: tf.Tensor) => tf.exp(x).sum())(tf.tensor1d([0, 1])).data();
      expect(g[0]).toBeCloseTo(1, 5);
      expect(g[1]).toBeCloseTo(Math.E, 4);
      // d/dlogits of sum_i log_softmax(logits_i)[target_i] = onehot(target) - softmax(logits)
      const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
      const targets = tf.tensor1d([2, 0], 'int32');
      const loss = (z: tf.Tensor) =>
        tf.sum(tf.mul(tf.logSoftmax(z), tf.oneHot(targets, 3)));
      const viaGather = (z: tf.Tensor) =>
        tf.sum(tf.gather(tf.reshape(tf.logSoftmax(z), [-1]), tf.tensor1d([2, 3], 'int32')));
      const want = await tf.sub(tf.oneHot(targets, 3), tf.softmax(logits)).data();
      for (const f of [loss, viaGather]) {
        const got = await tf.grad(f)(logits).data();
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i] as number, 4);
      }
    });
  });
}
