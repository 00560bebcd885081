/**
 * The fused kernels for the backends whose tensors live in host memory: `cpu` (JavaScript
 * typed arrays) and `wasm` (views into the WebAssembly heap). Both run the same typed-array
 * code (`policy-loss-math.ts`, `logits-math.ts`); only how a tensor's memory is reached and
 * how an output is allocated differ.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { ResolvedPolicyLossOptions } from '../../types.js';
import { entropyRows, logSoftmaxGatherRows, scaleRows, scaleRowsInPlace } from './logits-math.js';
import { ENTROPY, ENTROPY_GRAD, POLICY_LOSS, SCALE_BY_FIRST, SCALE_ROWS, TOKEN_LOG_PROBS, TOKEN_LOG_PROBS_GRAD } from './names.js';
import { simdAvailable, simdBackward, simdForward } from './simd-host-kernels.js';
import { STAT_COUNT, policyLossRows, scaleInPlace, scaleInto } from './policy-loss-math.js';

type DataId = TensorInfo['dataId'];
type Typed = Float32Array | Int32Array | Uint8Array;

/** How a kernel reaches tensor memory on one backend. */
interface HostIo {
  /** Allocates an output (uninitialized on wasm, zeros on cpu). Allocate every output before taking views. */
  alloc(shape: number[], dtype: DataType): TensorInfo;
  /** A view of a tensor's memory (valid until the next allocation on wasm). */
  view(t: TensorInfo): Typed;
  /** Frees an output allocated by this kernel (on error). */
  free(t: TensorInfo): void;
  /** Whether `t`'s memory has no other owner, so the kernel may overwrite it. */
  sole(t: TensorInfo): boolean;
  /** `t` as an output of this kernel (one more reference to the same memory). */
  share(t: TensorInfo): TensorInfo;
}

/** The part of tfjs-backend-cpu's `MathBackendCPU` used here. */
interface CpuBackend {
  data: { get(dataId: DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values?: Typed): TensorInfo;
  readSync(dataId: DataId): unknown;
  disposeData(dataId: DataId, force?: boolean): boolean;
  refCount(dataId: DataId): number;
  incRef(dataId: DataId): void;
}

/** The part of tfjs-backend-wasm's `BackendWasm` used here. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Typed;
  disposeData(dataId: DataId, force?: boolean): boolean;
  refCount(dataId: DataId): number;
  incRef(dataId: DataId): void;
}

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function cpuIo(backend: CpuBackend): HostIo {
  return {
    alloc(shape, dtype) {
      const n = size(shape);
      const values = dtype === 'int32' ? new Int32Array(n) : dtype === 'bool' ? new Uint8Array(n) : new Float32Array(n);
      return backend.makeTensorInfo(shape, dtype, values);
    },
    view(t) {
      const values = backend.data.get(t.dataId).values ?? backend.readSync(t.dataId);
      return values as Typed;
    },
    free(t) {
      backend.disposeData(t.dataId, true);
    },
    sole(t) {
      return backend.refCount(t.dataId) === 1;
    },
    share(t) {
      backend.incRef(t.dataId);
      return { dataId: t.dataId, shape: t.shape.slice(), dtype: t.dtype };
    },
  };
}

function wasmIo(backend: WasmBackend): HostIo {
  return {
    alloc: (shape, dtype) => backend.makeOutput(shape, dtype),
    view: (t) => backend.typedArrayFromHeap(t),
    free(t) {
      backend.disposeData(t.dataId, true);
    },
    sole: (t) => backend.refCount(t.dataId) === 1,
    share(t) {
      backend.incRef(t.dataId);
      return { dataId: t.dataId, shape: t.shape.slice(), dtype: t.dtype };
    },
  };
}

/**
 * A view of `t`'s values in the active backend's memory, without a copy, when that backend is
 * cpu or wasm (a wasm view is valid until the next allocation); null on other backends.
 * @internal
 */
export function hostView(t: TensorInfo): Typed | null {
  const name = tf.getBackend();
  if (name === 'cpu') return cpuIo(tf.backend() as unknown as CpuBackend).view(t);
  if (name === 'wasm') return wasmIo(tf.backend() as unknown as WasmBackend).view(t);
  return null;
}

/** Runs `body`, freeing `outputs` if it throws. */
function guarded<T>(io: HostIo, outputs: readonly TensorInfo[], body: () => T): T {
  try {
    return body();
  } catch (error) {
    for (const t of outputs) io.free(t);
    throw error;
  }
}

/** The attributes of the policy-loss kernel. @internal */
export interface PolicyLossAttrs {
  /** The public function, for error messages. */
  readonly fn: string;
  readonly options: ResolvedPolicyLossOptions;
  /** Whether to compute the gradient output (else it has shape [0]). */
  readonly needGrad: boolean;
}

/** The attributes of the logits kernels. @internal */
export interface LogitsAttrs {
  readonly fn: string;
  readonly needGrad: boolean;
}

function policyLossKernel(io: HostIo, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): TensorInfo[] {
  const { fn, options, needGrad } = attrs as unknown as PolicyLossAttrs;
  const { logProbs, oldLogProbs, advantages, mask } = inputs as Record<'logProbs' | 'oldLogProbs' | 'advantages' | 'mask', TensorInfo>;
  const [B, T] = logProbs.shape as [number, number];
  const stats = io.alloc([STAT_COUNT], 'float32');
  const grad = io.alloc(needGrad ? logProbs.shape.slice() : [0], 'float32');
  return guarded(io, [stats, grad], () => {
    const values = policyLossRows(
      fn,
      {
        logProbs: io.view(logProbs) as Float32Array,
        oldLogProbs: io.view(oldLogProbs) as Float32Array,
        advantages: io.view(advantages) as Float32Array,
        mask: io.view(mask) as Float32Array,
        B,
        T,
      },
      options,
      needGrad ? (io.view(grad) as Float32Array) : null,
    );
    (io.view(stats) as Float32Array).set(values);
    return [stats, grad];
  });
}

function scaleByFirstKernel(io: HostIo, inputs: Record<string, TensorInfo>): TensorInfo {
  const { dy, x } = inputs as Record<'dy' | 'x', TensorInfo>;
  const s = (io.view(dy) as Float32Array)[0] as number;
  if (io.sole(x)) {
    scaleInPlace(io.view(x) as Float32Array, s);
    return io.share(x);
  }
  const out = io.alloc(x.shape.slice(), 'float32');
  scaleInto(io.view(x) as Float32Array, s, io.view(out) as Float32Array);
  return out;
}

function rowsOf(logits: TensorInfo): [number, number] {
  const V = logits.shape[logits.shape.length - 1] as number;
  return [V === 0 ? 0 : size(logits.shape) / V, V];
}

function tokenLogProbsKernel(io: HostIo, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): TensorInfo[] {
  const { fn, needGrad } = attrs as unknown as LogitsAttrs;
  const { logits, ids } = inputs as Record<'logits' | 'ids', TensorInfo>;
  const [N, V] = rowsOf(logits);
  const out = io.alloc(logits.shape.slice(0, -1), 'float32');
  const grad = io.alloc(needGrad ? logits.shape.slice() : [0], 'float32');
  return guarded(io, [out, grad], () => {
    logSoftmaxGatherRows(
      fn,
      io.view(logits) as Float32Array,
      io.view(ids) as Int32Array,
      N,
      V,
      io.view(out) as Float32Array,
      needGrad ? (io.view(grad) as Float32Array) : null,
    );
    return [out, grad];
  });
}

function entropyKernel(io: HostIo, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): TensorInfo[] {
  const { fn, needGrad } = attrs as unknown as LogitsAttrs;
  const { logits } = inputs as Record<'logits', TensorInfo>;
  const [N, V] = rowsOf(logits);
  const out = io.alloc(logits.shape.slice(0, -1), 'float32');
  const grad = io.alloc(needGrad ? logits.shape.slice() : [0], 'float32');
  return guarded(io, [out, grad], () => {
    entropyRows(fn, io.view(logits) as Float32Array, N, V, io.view(out) as Float32Array, needGrad ? (io.view(grad) as Float32Array) : null);
    return [out, grad];
  });
}

function scaleRowsKernel(io: HostIo, inputs: Record<string, TensorInfo>): TensorInfo {
  const { dy, x } = inputs as Record<'dy' | 'x', TensorInfo>;
  const [N, V] = rowsOf(x);
  if (io.sole(x)) {
    scaleRowsInPlace(io.view(x) as Float32Array, io.view(dy) as Float32Array, N, V);
    return io.share(x);
  }
  const out = io.alloc(x.shape.slice(), 'float32');
  scaleRows(io.view(x) as Float32Array, io.view(dy) as Float32Array, N, V, io.view(out) as Float32Array);
  return out;
}

type HostKernel = (io: HostIo, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap) => TensorInfo | TensorInfo[];

const HOST_KERNELS: ReadonlyArray<readonly [string, HostKernel]> = [
  [POLICY_LOSS, policyLossKernel],
  [SCALE_BY_FIRST, scaleByFirstKernel],
  [TOKEN_LOG_PROBS, tokenLogProbsKernel],
  [ENTROPY, entropyKernel],
  [SCALE_ROWS, scaleRowsKernel],
];

let simdEnabled = true;

/**
 * Whether the logits kernels on `backendName` run on WebAssembly SIMD ("rows" style: the
 * backward kernel recomputes the gradient) rather than in JavaScript ("host" style: the
 * forward kernel writes the gradient). SIMD wherever it is available, unless turned off.
 * @internal
 */
export function logitsUseSimd(backendName: string, backend: unknown): boolean {
  return simdEnabled && simdAvailable(backendName, backend);
}

/** Turns the SIMD logits kernels off (JavaScript ones instead) or on; returns the previous setting. For tests and benchmarks. @internal */
export function setSimdEnabled(on: boolean): boolean {
  const previous = simdEnabled;
  simdEnabled = on;
  return previous;
}

/**
 * The kernel configs for the `cpu` and `wasm` backends.
 * @internal
 */
export function hostKernelConfigs(): KernelConfig[] {
  const configs: KernelConfig[] = [];
  for (const backendName of ['cpu', 'wasm'] as const) {
    const io = (backend: unknown): HostIo =>
      backendName === 'cpu' ? cpuIo(backend as CpuBackend) : wasmIo(backend as WasmBackend);
    for (const [kernelName, kernel] of HOST_KERNELS) {
      const simd = kernelName === TOKEN_LOG_PROBS ? simdForward('logp', backendName) : kernelName === ENTROPY ? simdForward('entropy', backendName) : null;
      const kernelFunc: KernelFunc = (args) =>
        simd !== null && logitsUseSimd(backendName, args.backend)
          ? simd(args)
          : kernel(io(args.backend), args.inputs as Record<string, TensorInfo>, args.attrs ?? {});
      configs.push({ kernelName, backendName, kernelFunc });
    }
    configs.push({ kernelName: TOKEN_LOG_PROBS_GRAD, backendName, kernelFunc: simdBackward('logp', backendName) });
    configs.push({ kernelName: ENTROPY_GRAD, backendName, kernelFunc: simdBackward('entropy', backendName) });
  }
  return configs;
}
