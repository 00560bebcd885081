/**
 * tfjs backends, set up in one call: `useBackend('cpu' | 'wasm' | 'webgpu' | 'webgl' | 'auto')`
 * loads the optional peer packages it needs only when asked, finds the wasm binaries,
 * creates a WebGPU adapter (in Node through Dawn, the `webgpu` package, on a GPU or on
 * Mesa's software drivers), and registers tfjs-core's gradients so that `tf.grad` works
 * from a plain `@tensorflow/tfjs-core` import.
 *
 * Import from `srl-kit/backends`. It needs `@tensorflow/tfjs-core` plus the package of
 * each backend you use (`@tensorflow/tfjs-backend-cpu`, `-wasm`, `-webgpu`, `-webgl`, and
 * in Node for WebGPU `webgpu`); all are optional peer dependencies, never bundled, so
 * there is exactly one tfjs-core: yours.
 *
 * @module backends
 */
export { useBackend } from './use-backend.js';
export { backendInfo } from './backend-info.js';
export { ensureGradients } from './ensure-gradients.js';
export type {
  AdapterInfo,
  AdapterLimits,
  AdapterRequestOptions,
  BackendChoice,
  BackendInfo,
  BackendName,
  PeerPackage,
  SkippedBackend,
  UseBackendOptions,
  WasmPathMap,
} from './types.js';
