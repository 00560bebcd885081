import * as tf from '@tensorflow/tfjs-core';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { describe, expect, it } from 'vitest';
import { backendInfo } from './backend-info.js';
import { useBackend } from './use-backend.js';

// One process per test file: these tests switch tfjs's (global) backend in order.

async function gradOfExpSum(): Promise<number[]> {
  const g = tf.grad((x: tf.Tensor) => tf.exp(x).sum())(tf.tensor1d([0, 1]));
  return Array.from(await g.data());
}

describe('useBackend', () => {
  it("'cpu' sets the backend, registers gradients and reports it", async () => {
    const info = await useBackend('cpu');
    expect(info).toEqual({ name: 'cpu', simd: false, threads: false, tfjsVersion: tf.version_core });
    expect(tf.getBackend()).toBe('cpu'); // Seen through the test's own tfjs-core import.
    const g = await gradOfExpSum();
    expect(g[0]).toBeCloseTo(1, 6);
    expect(g[1]).toBeCloseTo(Math.E, 5);
  });

  it("'wasm' finds its binaries in Node and detects SIMD (yes) and threads (no)", async () => {
    const info = await useBackend('wasm');
    expect(info).toMatchObject({ name: 'wasm', simd: true, threads: false, threadCount: 1 });
    expect(info.adapter).toBeUndefined();
    expect(tf.getBackend()).toBe('wasm');
    const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]]));
    expect(Array.from(await product.data())).toEqual([17, 39]);
    const g = await gradOfExpSum();
    expect(g[1]).toBeCloseTo(Math.E, 5);
  });

  it('backendInfo() describes the running backend', async () => {
    expect(await backendInfo()).toMatchObject({ name: 'wasm', simd: true, threads: false, tfjsVersion: tf.version_core });
  });

  it('switches back to an initialized backend without reloading it', async () => {
    expect((await useBackend('cpu')).name).toBe('cpu');
    expect((await useBackend('wasm')).name).toBe('wasm');
  });

  it("'auto' passes over what it cannot start and says why", async () => {
    const missing = Object.assign(new Error("Cannot find package 'webgpu' imported from /x"), { code: 'ERR_MODULE_NOT_FOUND' });
    const info = await useBackend('auto', { importers: { webgpu: () => Promise.reject(missing) } });
    expect(info.name).toBe('wasm');
    expect(info.skipped).toEqual([
      { name: 'webgpu', reason: expect.stringContaining('npm install webgpu') as unknown as string },
    ]);
  });

  it("'auto' follows candidates", async () => {
    const info = await useBackend('auto', { candidates: ['webgl', 'cpu'] });
    expect(info.name).toBe('cpu');
    expect(info.skipped?.[0]).toEqual({ name: 'webgl', reason: expect.stringContaining('only in browsers') as unknown as string });
  });

  it("'auto' fails with every reason when nothing starts", async () => {
    await expect(useBackend('auto', { candidates: ['webgl'] })).rejects.toThrow(
      "useBackend('auto'): no backend could be set up (webgl: useBackend('webgl'): WebGL exists only in browsers",
    );
  });

  it('names a missing backend package and the npm command', async () => {
    const missing = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-backend-wasm'"), { code: 'MODULE_NOT_FOUND' });
    await expect(useBackend('wasm', { importers: { '@tensorflow/tfjs-backend-wasm': () => Promise.reject(missing) } })).rejects.toThrow(
      "useBackend('wasm') needs the optional peer dependency @tensorflow/tfjs-backend-wasm, which is not installed: npm install @tensorflow/tfjs-backend-wasm",
    );
  });

  it("rejects 'webgl' in Node, and unknown names and options", async () => {
    await expect(useBackend('webgl')).rejects.toThrow('WebGL exists only in browsers');
    await expect(useBackend('gpu' as never)).rejects.toThrow(TypeError);
    await expect(useBackend('gpu' as never)).rejects.toThrow(
      "useBackend: argument 'name' must be one of 'cpu', 'wasm', 'webgpu', 'webgl', 'auto', got \"gpu\"",
    );
    await expect(useBackend('cpu', null as never)).rejects.toThrow("argument 'options' must be an object");
    await expect(useBackend('wasm', { wasmThreads: 0 })).rejects.toThrow(RangeError);
    await expect(useBackend('webgpu', { dawnFlags: 'backend=opengl' as never })).rejects.toThrow("'options.dawnFlags' must be an array");
    await expect(useBackend('auto', { candidates: ['auto'] as never })).rejects.toThrow("'options.candidates' must be an array");
  });
});
