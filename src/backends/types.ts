/** A tfjs backend that {@link useBackend} can set up. */
export type BackendName = 'cpu' | 'wasm' | 'webgpu' | 'webgl';

/** What {@link useBackend} accepts: a backend, or `'auto'` (webgpu, else wasm, else cpu). */
export type BackendChoice = BackendName | 'auto';

/** An optional peer package that {@link useBackend} may load. */
export type PeerPackage =
  | '@tensorflow/tfjs-core'
  | '@tensorflow/tfjs-backend-cpu'
  | '@tensorflow/tfjs-backend-wasm'
  | '@tensorflow/tfjs-backend-webgpu'
  | '@tensorflow/tfjs-backend-webgl'
  | 'webgpu';

/** The `.wasm` binaries of `@tensorflow/tfjs-backend-wasm`, by file name, mapped to their URLs or paths. */
export interface WasmPathMap {
  /** The plain binary. */
  readonly 'tfjs-backend-wasm.wasm': string;
  /** The SIMD binary. */
  readonly 'tfjs-backend-wasm-simd.wasm': string;
  /** The threaded SIMD binary. */
  readonly 'tfjs-backend-wasm-threaded-simd.wasm': string;
}

/** The options of `GPU.requestAdapter()` that {@link useBackend} passes on. */
export interface AdapterRequestOptions {
  /** `'low-power'` or `'high-performance'` (tfjs's default). */
  readonly powerPreference?: 'low-power' | 'high-performance';
  /** Ask for a software (fallback) adapter. */
  readonly forceFallbackAdapter?: boolean;
  /**
   * `'core'` or `'compatibility'`. Dawn's OpenGL backends offer only compatibility
   * adapters; when `dawnFlags` selects one and this is unset, `'compatibility'` is used.
   */
  readonly featureLevel?: 'core' | 'compatibility';
}

/** Options of {@link useBackend}. Each applies only to the backend it names. */
export interface UseBackendOptions {
  /**
   * wasm: where the `.wasm` binaries are, as a folder prefix ending in `/` or a map of
   * file names to URLs. Node default: the installed package's `dist/` folder. Browser
   * default: tfjs's own (next to the script), which bundlers usually break, so serve
   * the files and pass their prefix, e.g. a CDN:
   * `https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-backend-wasm@4.22.0/dist/`.
   */
  readonly wasmPaths?: string | WasmPathMap;
  /** wasm: how many threads the threaded binary may use (browsers with cross-origin isolation only). */
  readonly wasmThreads?: number;
  /**
   * webgpu in Node: flags for Dawn's `create()`, e.g. `['backend=opengl']` or
   * `['backend=vulkan']`. Default: none (Dawn picks Vulkan on Linux). With an OpenGL
   * backend and no `EGL_PLATFORM` in the environment, `EGL_PLATFORM=surfaceless` is set.
   */
  readonly dawnFlags?: readonly string[];
  /** webgpu: options of `requestAdapter()`. */
  readonly adapterOptions?: AdapterRequestOptions;
  /** auto: the backends to try, in order. Default `['webgpu', 'wasm', 'cpu']`. */
  readonly candidates?: readonly BackendName[];
  /**
   * Loaders that replace the default `import()` of an optional package. The defaults
   * use a computed specifier (hidden from bundlers, so a missing optional package does
   * not break a browser build); in a bundled app, pass literal imports, e.g.
   * `{ '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu') }`,
   * or import the backend package yourself before calling {@link useBackend}.
   */
  readonly importers?: Partial<Record<PeerPackage, () => Promise<unknown>>>;
}

/** The limits of a WebGPU adapter that matter for tensor work (bytes or counts). */
export interface AdapterLimits {
  /** The largest storage buffer binding, in bytes (caps the largest tensor). */
  readonly maxStorageBufferBindingSize: number;
  /** The largest buffer, in bytes. */
  readonly maxBufferSize: number;
  /** Workgroup shared memory, in bytes. */
  readonly maxComputeWorkgroupStorageSize: number;
  /** Invocations per workgroup. */
  readonly maxComputeInvocationsPerWorkgroup: number;
  /** Workgroup size along x. */
  readonly maxComputeWorkgroupSizeX: number;
  /** Workgroups per dispatch dimension. */
  readonly maxComputeWorkgroupsPerDimension: number;
}

/** What a WebGPU adapter says about itself. Fields the adapter leaves empty are `''`. */
export interface AdapterInfo {
  /** e.g. `'nvidia'`, `'mesa'`, `'google'`. */
  readonly vendor: string;
  /** e.g. `'software'`, `'hopper'`. */
  readonly architecture: string;
  /** e.g. `'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)'`. */
  readonly description: string;
  /** True for a software adapter (lavapipe, SwiftShader). */
  readonly isFallbackAdapter: boolean;
  /** The adapter's limits. */
  readonly limits: AdapterLimits;
  /** The adapter's optional features, sorted. */
  readonly features: readonly string[];
}

/** Why `'auto'` passed over a backend. */
export interface SkippedBackend {
  /** The backend passed over. */
  readonly name: BackendName;
  /** The error message, e.g. "no WebGPU adapter". */
  readonly reason: string;
}

/** The active tfjs backend, as {@link backendInfo} and {@link useBackend} report it. */
export interface BackendInfo {
  /** The tfjs backend name (`tf.getBackend()`). */
  readonly name: string;
  /** Whether the backend runs WebAssembly SIMD code (wasm only; detected). */
  readonly simd: boolean;
  /** Whether the backend runs WebAssembly threads (wasm only; detected: never in Node). */
  readonly threads: boolean;
  /** wasm: the threads XNNPACK uses. */
  readonly threadCount?: number;
  /** webgpu: the adapter. */
  readonly adapter?: AdapterInfo;
  /** The tfjs-core version. */
  readonly tfjsVersion: string;
  /** `'auto'` only: the backends tried before this one, and why each failed. */
  readonly skipped?: readonly SkippedBackend[];
}
