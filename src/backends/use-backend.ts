import { assertIntegerInRange } from '../_lib/assert.js';
import { describeBackend } from './backend-info.js';
import { registerGradients } from './ensure-gradients.js';
import { loadBackendPackage, loadTfjsCore, type TfCore } from './load-peer.js';
import { isNode } from './runtime.js';
import type { BackendChoice, BackendInfo, BackendName, SkippedBackend, UseBackendOptions } from './types.js';
import { prepareWasm } from './wasm.js';
import { prepareWebGpu, takeWebGpuFactoryError } from './webgpu.js';

const NAMES: readonly BackendChoice[] = ['cpu', 'wasm', 'webgpu', 'webgl', 'auto'];
const AUTO: readonly BackendName[] = ['webgpu', 'wasm', 'cpu'];

/** Loads a backend's packages and registers its factory (unless it is already running). */
const PREPARE: Record<BackendName, (tf: TfCore, options: UseBackendOptions) => Promise<void>> = {
  cpu: async (tf, options) => {
    await loadBackendPackage(tf, 'cpu', '@tensorflow/tfjs-backend-cpu', 'MathBackendCPU', options);
  },
  wasm: prepareWasm,
  webgpu: prepareWebGpu,
  webgl: async (tf, options) => {
    if (isNode()) throw new Error("useBackend('webgl'): WebGL exists only in browsers; in Node use 'webgpu', 'wasm' or 'cpu'");
    await loadBackendPackage(tf, 'webgl', '@tensorflow/tfjs-backend-webgl', 'MathBackendWebGL', options);
  },
};

/** Prepares a backend, makes it tfjs's current one and waits until it is ready. */
async function activate(tf: TfCore, name: BackendName, options: UseBackendOptions): Promise<void> {
  await PREPARE[name](tf, options);
  takeWebGpuFactoryError();
  if (!(await tf.setBackend(name))) {
    const cause = name === 'webgpu' ? takeWebGpuFactoryError() : undefined;
    const why = cause instanceof Error ? `: ${cause.message}` : ' (tfjs logged the cause as a warning)';
    throw new Error(`useBackend('${name}'): the ${name} backend failed to initialize${why}`, { cause });
  }
  await tf.ready();
}

/** Tries each candidate in order; the first that initializes wins. */
async function activateFirst(tf: TfCore, options: UseBackendOptions): Promise<BackendInfo> {
  const skipped: SkippedBackend[] = [];
  for (const name of options.candidates ?? AUTO) {
    try {
      await activate(tf, name, options);
      return { ...(await describeBackend(tf)), skipped };
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new Error(`useBackend('auto'): no backend could be set up (${reasons})`);
}

function assertName(name: unknown): asserts name is BackendChoice {
  if (!NAMES.includes(name as BackendChoice)) {
    throw new TypeError(`useBackend: argument 'name' must be one of ${NAMES.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name)}`);
  }
}

function assertUseBackendOptions(options: unknown): void {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new TypeError("useBackend: argument 'options' must be an object or undefined");
  }
  const { wasmThreads, dawnFlags, candidates } = (options ?? {}) as UseBackendOptions;
  if (wasmThreads !== undefined) assertIntegerInRange(wasmThreads, 1, 1024, 'useBackend', 'options.wasmThreads');
  if (dawnFlags !== undefined && !(Array.isArray(dawnFlags) && dawnFlags.every((f) => typeof f === 'string'))) {
    throw new TypeError("useBackend: argument 'options.dawnFlags' must be an array of strings");
  }
  if (candidates !== undefined && !(Array.isArray(candidates) && candidates.every((c) => c !== 'auto' && NAMES.includes(c)))) {
    throw new TypeError("useBackend: argument 'options.candidates' must be an array of 'cpu', 'wasm', 'webgpu', 'webgl'");
  }
}

/**
 * Sets up a tfjs backend and makes it the current one: loads the optional packages it
 * needs on demand (`@tensorflow/tfjs-core` and the backend's package; in Node, `webgpu`
 * for Dawn), registers tfjs-core's gradients ({@link ensureGradients}), calls
 * `tf.setBackend` and waits for `tf.ready()`.
 *
 * - `'cpu'`: `@tensorflow/tfjs-backend-cpu`. Everywhere.
 * - `'wasm'`: `@tensorflow/tfjs-backend-wasm`. In Node its binaries are found in the
 *   installed package; in browsers pass `wasmPaths` (a URL prefix) when your bundler
 *   does not serve them next to the script.
 * - `'webgpu'`: `@tensorflow/tfjs-backend-webgpu` on `navigator.gpu`, or in Node on
 *   Dawn (the `webgpu` package; `dawnFlags`, `adapterOptions`). Dawn's `navigator.gpu`
 *   and WebGPU globals are installed on `globalThis`, because tfjs looks for them there.
 * - `'webgl'`: `@tensorflow/tfjs-backend-webgl`, browsers only.
 * - `'auto'`: webgpu if an adapter exists, else wasm, else cpu (`candidates` changes
 *   the order); the result lists what was `skipped` and why.
 *
 * A backend that is already running keeps the options it started with. The packages
 * are imported with computed specifiers that bundlers ignore: in a bundled browser app,
 * import the backend package yourself first, or pass literal `importers`.
 *
 * @param name - The backend, or `'auto'`.
 * @param options - See {@link UseBackendOptions}.
 * @returns {@link backendInfo} of the backend now running.
 * @throws TypeError for an unknown name. Error naming the package and saying
 *   `npm install <package>` when one is missing; Error when the backend cannot start
 *   (no WebGPU adapter: the message says which driver to install).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { useBackend } from 'srl-kit/backends';
 *
 * const info = await useBackend('auto');
 * console.log(info.name, info.adapter?.description); // e.g. "webgpu llvmpipe: Mesa 25.0.7 ..."
 * tf.grad((x: tf.Tensor) => tf.exp(x).sum())(tf.tensor1d([0, 1])).print(); // [1, 2.7182817]
 *
 * // Node without a GPU, on Mesa's OpenGL through EGL:
 * await useBackend('webgpu', { dawnFlags: ['backend=opengl'] });
 * ```
 */
export async function useBackend(name: BackendChoice, options: UseBackendOptions = {}): Promise<BackendInfo> {
  assertName(name);
  assertUseBackendOptions(options);
  const tf = await loadTfjsCore(options.importers);
  registerGradients(tf);
  if (name === 'auto') return activateFirst(tf, options);
  await activate(tf, name, options);
  return describeBackend(tf);
}
