import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendInfo } from './backend-info.js';
import { useBackend } from './use-backend.js';

describe('backendInfo', () => {
  it('fails before any backend runs', async () => {
    await expect(backendInfo()).rejects.toThrow('backendInfo: no tfjs backend is running; call useBackend() first');
  });

  it('describes a backend that the user set with tfjs directly', async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    expect(await backendInfo()).toEqual({ name: 'cpu', simd: false, threads: false, tfjsVersion: tf.version_core });
  });

  it('uses the wasm path option when given', async () => {
    const bad = 'file:///nonexistent/wasm/';
    const warn = console.warn;
    console.warn = () => {}; // tfjs logs the failed initialization.
    try {
      await expect(useBackend('wasm', { wasmPaths: bad })).rejects.toThrow("useBackend('wasm'): the wasm backend failed to initialize");
    } finally {
      console.warn = warn;
    }
  });
});
