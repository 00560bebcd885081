import { loadTfjsCore, type TfCore } from './load-peer.js';
import type { BackendInfo, UseBackendOptions } from './types.js';
import { webgpuAdapterInfo } from './webgpu.js';

/** SIMD and threads of the wasm backend, from the same flags tfjs reads to pick its binary. */
async function wasmFeatures(tf: TfCore, backend: object): Promise<Pick<BackendInfo, 'simd' | 'threads' | 'threadCount'>> {
  const env = tf.env();
  const simd = Boolean(await env.getAsync('WASM_HAS_SIMD_SUPPORT'));
  // tfjs runs the threaded binary only with both (and never in Node, where the flag is false).
  const threads = simd && Boolean(await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const getThreadsCount = (backend as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm?.tfjs?.getThreadsCount;
  return typeof getThreadsCount === 'function' ? { simd, threads, threadCount: getThreadsCount() } : { simd, threads };
}

/**
 * Describes the running tfjs backend of the given tfjs-core.
 * @internal
 */
export async function describeBackend(tf: TfCore): Promise<BackendInfo> {
  const name = tf.engine().backendName;
  const backend = name ? tf.findBackend(name) : null;
  if (!name || backend == null) {
    throw new Error('backendInfo: no tfjs backend is running; call useBackend() first');
  }
  const base = { name, simd: false, threads: false, tfjsVersion: tf.version_core };
  if (name === 'wasm') return { ...base, ...(await wasmFeatures(tf, backend)) };
  const adapter = name === 'webgpu' ? webgpuAdapterInfo(backend) : undefined;
  return adapter ? { ...base, adapter } : base;
}

/**
 * Describes the running tfjs backend: its name, whether it uses WebAssembly SIMD and
 * threads (detected the way tfjs picks its binary: in Node, SIMD yes, threads no), the
 * WebGPU adapter (vendor, architecture, description, whether it is a software
 * fallback, limits such as `maxStorageBufferBindingSize`), and the tfjs-core version.
 *
 * @param options - Only `importers['@tensorflow/tfjs-core']` is read.
 * @throws Error when no backend is running yet (call {@link useBackend} first).
 * @example
 * ```ts
 * import { backendInfo, useBackend } from 'srl-kit/backends';
 * await useBackend('wasm');
 * const info = await backendInfo();
 * // => { name: 'wasm', simd: true, threads: false, threadCount: 1, tfjsVersion: '4.22.0' } in Node
 * ```
 */
export async function backendInfo(options: Pick<UseBackendOptions, 'importers'> = {}): Promise<BackendInfo> {
  return describeBackend(await loadTfjsCore(options.importers));
}
