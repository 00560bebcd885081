import type { TfCore } from './load-peer.js';
import { loadBackendPackage, loadModule, NEEDS_IMPORTER } from './load-peer.js';
import { isNode } from './runtime.js';
import type { AdapterInfo, AdapterLimits, AdapterRequestOptions, UseBackendOptions } from './types.js';

/** What an adapter says about itself (`GPUAdapterInfo`). */
interface GpuAdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

/** The part of `GPUAdapter` used here. @internal */
export interface GpuAdapterLike {
  readonly features: Iterable<string> & { has(feature: string): boolean };
  readonly limits: object;
  readonly info?: GpuAdapterInfoLike;
  readonly isFallbackAdapter?: boolean;
  requestAdapterInfo?(): Promise<GpuAdapterInfoLike>;
  requestDevice(descriptor?: object): Promise<object>;
}

/** The part of `GPU` (`navigator.gpu`) used here. @internal */
export interface GpuLike {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

interface WebGpuModule {
  WebGPUBackend: new (device: object, adapterInfo: unknown) => object;
}

const LIMITS: readonly (keyof AdapterLimits)[] = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
];

/** The adapter info of each webgpu backend instance this module created. */
const adapterInfos = new WeakMap<object, AdapterInfo>();
/** The last error of this module's webgpu factory (tfjs only logs it). */
let factoryError: unknown;
/** One Dawn instance per flag list. */
const dawnInstances = new Map<string, GpuLike>();

function usesOpenGl(flags: readonly string[]): boolean {
  return flags.some((flag) => /^backend=opengl(es)?$/i.test(flag.trim()));
}

/** Puts `gpu` at `navigator.gpu`, where tfjs-backend-webgpu looks for it. */
function installNavigatorGpu(gpu: GpuLike): void {
  const global = globalThis as { navigator?: { gpu?: unknown } };
  if (global.navigator?.gpu === gpu) return;
  if (global.navigator) {
    Object.defineProperty(global.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
}

/** A Dawn `GPU` from the `webgpu` package, with the WebGPU globals (`GPUBufferUsage`, ...) installed. */
async function dawnGpu(options: UseBackendOptions): Promise<GpuLike> {
  const flags = [...(options.dawnFlags ?? [])];
  const key = JSON.stringify(flags);
  const cached = dawnInstances.get(key);
  if (cached) return cached;
  const dawn = await loadModule<DawnModule>('webgpu', 'create', "useBackend('webgpu') in Node", options.importers);
  if (usesOpenGl(flags) && !process.env['EGL_PLATFORM']) process.env['EGL_PLATFORM'] = 'surfaceless';
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const gpu = dawn.create(flags);
  dawnInstances.set(key, gpu);
  return gpu;
}

/** `navigator.gpu`, or in Node (when absent or when `dawnFlags` are given) a Dawn instance. */
async function findGpu(options: UseBackendOptions): Promise<GpuLike> {
  const existing = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (isNode() && (existing === undefined || options.dawnFlags !== undefined)) return dawnGpu(options);
  if (existing === undefined) {
    throw new Error(
      "useBackend('webgpu'): this runtime has no navigator.gpu (WebGPU needs a browser that ships it, a secure context, or a flag such as Chrome's --enable-unsafe-webgpu)",
    );
  }
  return existing;
}

function noAdapterMessage(options: UseBackendOptions): string {
  if (!isNode()) return "useBackend('webgpu'): navigator.gpu.requestAdapter() found no adapter";
  const flags = JSON.stringify(options.dawnFlags ?? []);
  return (
    `useBackend('webgpu'): Dawn found no adapter (dawnFlags ${flags}). Without a GPU on Linux, install Mesa's ` +
    'software Vulkan driver, lavapipe, version 25 or later (Debian 12: apt-get install -t bookworm-backports ' +
    "mesa-vulkan-drivers), or use dawnFlags ['backend=opengl'] with libegl1 and libegl-mesa0."
  );
}

/** Requests an adapter; the OpenGL backends get `featureLevel: 'compatibility'` unless told otherwise. */
async function requestAdapter(gpu: GpuLike, options: UseBackendOptions): Promise<GpuAdapterLike> {
  const request: AdapterRequestOptions = { ...options.adapterOptions };
  const compat = usesOpenGl(options.dawnFlags ?? []) && request.featureLevel === undefined;
  const adapter = await gpu.requestAdapter(compat ? { ...request, featureLevel: 'compatibility' } : request);
  if (adapter === null) throw new Error(noAdapterMessage(options));
  return adapter;
}

/** The adapter's `GPUAdapterInfo` (`adapter.info`, or the older `requestAdapterInfo()`). */
async function rawInfo(adapter: GpuAdapterLike): Promise<GpuAdapterInfoLike> {
  return adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
}

/**
 * Summarizes an adapter: vendor, architecture, description, fallback, limits, features.
 * @internal
 */
export async function describeAdapter(adapter: GpuAdapterLike): Promise<AdapterInfo> {
  const info = await rawInfo(adapter);
  const limits = adapter.limits as Record<string, number>;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    limits: Object.fromEntries(LIMITS.map((name) => [name, Number(limits[name])])) as unknown as AdapterLimits,
    features: [...adapter.features].sort(),
  };
}

/** The device tfjs-backend-webgpu would ask for: its optional features and the adapter's maximum limits. */
function deviceDescriptor(adapter: GpuAdapterLike): object {
  const limits = adapter.limits as Record<string, number>;
  const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((f) => adapter.features.has(f));
  return { requiredFeatures, requiredLimits: Object.fromEntries(LIMITS.map((name) => [name, limits[name]])) };
}

/**
 * Loads `@tensorflow/tfjs-backend-webgpu`, finds a GPU (`navigator.gpu`, or Dawn in
 * Node) and an adapter, and registers a `webgpu` backend factory that uses exactly
 * that adapter (tfjs's own factory takes no adapter options). Throws when there is
 * no adapter. Does nothing when a webgpu backend is already running.
 * @internal
 */
export async function prepareWebGpu(tf: TfCore, options: UseBackendOptions): Promise<void> {
  const mod = await loadBackendPackage<WebGpuModule>(tf, 'webgpu', '@tensorflow/tfjs-backend-webgpu', 'WebGPUBackend', options);
  if (tf.findBackend('webgpu') != null) return;
  if (mod === undefined) {
    // A browser app registered tfjs's own factory, which takes no adapter options.
    if (options.adapterOptions === undefined) return;
    throw new Error(NEEDS_IMPORTER('webgpu', '@tensorflow/tfjs-backend-webgpu'));
  }
  const gpu = await findGpu(options);
  installNavigatorGpu(gpu); // tfjs-backend-webgpu checks navigator.gpu when it builds the backend.
  const adapter = await requestAdapter(gpu, options);
  const info = await describeAdapter(adapter);
  const raw = await rawInfo(adapter);
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      try {
        const device = await adapter.requestDevice(deviceDescriptor(adapter));
        const backend = new mod.WebGPUBackend(device, raw);
        adapterInfos.set(backend, info);
        return backend as never;
      } catch (error) {
        factoryError = error;
        throw error;
      }
    },
    3,
  );
}

/**
 * The adapter behind a running webgpu backend: as recorded when this module created
 * it, else read from tfjs's backend object (`adapterInfo`, `device.limits`).
 * @internal
 */
export function webgpuAdapterInfo(backend: object): AdapterInfo | undefined {
  const known = adapterInfos.get(backend);
  if (known) return known;
  const b = backend as { adapterInfo?: GpuAdapterInfoLike; device?: { limits?: object; features?: Iterable<string> } };
  if (!b.device?.limits) return undefined;
  const limits = b.device.limits as Record<string, number>;
  return {
    vendor: b.adapterInfo?.vendor ?? '',
    architecture: b.adapterInfo?.architecture ?? '',
    description: b.adapterInfo?.description ?? '',
    isFallbackAdapter: b.adapterInfo?.isFallbackAdapter ?? false,
    limits: Object.fromEntries(LIMITS.map((name) => [name, Number(limits[name])])) as unknown as AdapterLimits,
    features: [...(b.device.features ?? [])].sort(),
  };
}

/**
 * The error of the last failed webgpu initialization by this module, once.
 * @internal
 */
export function takeWebGpuFactoryError(): unknown {
  const error = factoryError;
  factoryError = undefined;
  return error;
}
