/**
 * Registers srl-kit's fused kernels with tfjs-core and says whether the active backend has
 * one. Registration is lazy (the first op that needs a kernel) and idempotent; a kernel
 * someone else registered under the same name is left alone.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { hostKernelConfigs, logitsUseSimd } from './host-kernels.js';
import { ENTROPY, TOKEN_LOG_PROBS } from './names.js';
import { webgpuKernelConfigs } from './webgpu-kernels.js';

let registered = false;
let enabled = true;

/** Registers the fused kernels (cpu, wasm, webgpu) once. @internal */
export function ensureFusedKernels(): void {
  if (registered) return;
  for (const config of [...hostKernelConfigs(), ...webgpuKernelConfigs()]) {
    if (tf.getKernel(config.kernelName, config.backendName) == null) tf.registerKernel(config);
  }
  registered = true;
}

/**
 * Whether the active backend has the fused kernel `kernelName` (and fused kernels are on).
 * @internal
 */
export function hasFusedKernel(kernelName: string): boolean {
  if (!enabled) return false;
  ensureFusedKernels();
  return tf.getKernel(kernelName, tf.getBackend()) != null;
}

/**
 * How the active backend runs the fused kernel `kernelName`: `'host'` (the forward kernel
 * also writes the gradient, the backward pass scales it: the JavaScript kernels of cpu and
 * wasm), `'rows'` (the forward kernel returns numbers per row, a backward kernel recomputes
 * the gradient: webgpu, and the WebAssembly SIMD logits kernels of cpu and wasm), or `null`
 * (no fused kernel: compose tfjs ops).
 * @internal
 */
export function fusedStyle(kernelName: string): 'host' | 'rows' | null {
  if (!hasFusedKernel(kernelName)) return null;
  const name = tf.getBackend();
  if (name === 'webgpu') return 'rows';
  if ((kernelName === TOKEN_LOG_PROBS || kernelName === ENTROPY) && logitsUseSimd(name, tf.backend())) return 'rows';
  return 'host';
}

/**
 * Turns the fused kernels off (the ops then compose tfjs ops, as on a backend without
 * them) or back on. For tests and benchmarks. Returns the previous setting.
 * @internal
 */
export function setFusedKernelsEnabled(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}
