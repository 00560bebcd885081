import type { TfCore } from './load-peer.js';
import { loadBackendPackage, NEEDS_IMPORTER } from './load-peer.js';
import { importComputed, isNode } from './runtime.js';
import type { UseBackendOptions, WasmPathMap } from './types.js';

/** The part of `@tensorflow/tfjs-backend-wasm` used here. @internal */
export interface WasmModule {
  setWasmPaths(prefixOrFileMap: string | WasmPathMap, usePlatformFetch?: boolean): void;
  setThreadsCount(numThreads: number): void;
}

/**
 * The `dist/` folder of the installed `@tensorflow/tfjs-backend-wasm`, ending in a
 * path separator, resolved from this module (`import.meta.url`; the CommonJS build
 * gets it from tsup's shim, `pathToFileURL(__filename)`).
 * @internal
 */
export async function nodeWasmFolder(): Promise<string> {
  const { createRequire } = (await importComputed('node:module')) as typeof import('node:module');
  const path = (await importComputed('node:path')) as typeof import('node:path');
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(manifest), 'dist') + path.sep;
}

/**
 * Loads `@tensorflow/tfjs-backend-wasm` (which registers the `wasm` backend) and,
 * unless the backend is already running, tells it where its binaries are and how
 * many threads to use.
 * @internal
 */
export async function prepareWasm(tf: TfCore, options: UseBackendOptions): Promise<void> {
  const wasm = await loadBackendPackage<WasmModule>(tf, 'wasm', '@tensorflow/tfjs-backend-wasm', 'setWasmPaths', options);
  if (tf.findBackend('wasm') != null) return; // Initialized: paths and threads are fixed.
  if (wasm === undefined) {
    if (options.wasmPaths === undefined && options.wasmThreads === undefined) return; // The app set it up.
    throw new Error(NEEDS_IMPORTER('wasm', '@tensorflow/tfjs-backend-wasm'));
  }
  const paths = options.wasmPaths ?? (isNode() ? await nodeWasmFolder() : undefined);
  if (paths !== undefined) wasm.setWasmPaths(paths);
  if (options.wasmThreads !== undefined) wasm.setThreadsCount(options.wasmThreads);
}
