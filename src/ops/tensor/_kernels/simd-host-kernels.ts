/**
 * The logits kernels of the cpu and wasm backends on WebAssembly SIMD (`simd-logits.ts`),
 * in the "rows" style of the webgpu kernels: the forward kernel returns five numbers per row
 * `(value, max, log-sum-exp - max, E[z - max], bad)`, and the backward kernel recomputes the
 * gradient from the logits in one pass, scaled by the incoming gradient (no gradient buffer
 * is written in the forward pass, none is rescaled in the backward one).
 *
 * wasm backend: the kernels run on tfjs-backend-wasm's own memory, in place. cpu backend:
 * blocks of rows are copied into this module's memory and the gradient copied out.
 * Bad inputs throw the same RangeErrors as the JavaScript kernels (`logits-math.ts`).
 * @internal
 * @module
 */
import type { DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { LogitsAttrs } from './host-kernels.js';
import { entropyRows, logSoftmaxGatherRows } from './logits-math.js';
import { simdLogits, simdModule, type SimdLogits } from './simd-logits.js';
import { isWasmMemory, wasmApi, type WasmMemory } from './wasm-asm.js';

/** Floats per row of the row-info output (shared with the webgpu kernels). @internal */
export const ROW_INFO_WIDTH = 5;

/** Bytes of logits a block copied into the cpu memory holds (plus as much for the gradient). */
const BLOCK_BYTES = 1 << 21;
const PAGE = 65536;

type DataId = TensorInfo['dataId'];

interface CpuBackend {
  data: { get(dataId: DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  readSync(dataId: DataId): unknown;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  getMemoryOffset(dataId: DataId): number;
  disposeData(dataId: DataId, force?: boolean): boolean;
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown; HEAPU8: Uint8Array };
}

/** The memory rows are copied through on the cpu backend, and its kernels. */
let cpuMemory: WasmMemory | null = null;

function cpuKernels(bytes: number): { k: SimdLogits; memory: WasmMemory } | null {
  if (simdModule() === null) return null;
  if (cpuMemory === null) cpuMemory = new (wasmApi() as NonNullable<ReturnType<typeof wasmApi>>).Memory({ initial: Math.ceil(bytes / PAGE) });
  else if (cpuMemory.buffer.byteLength < bytes) cpuMemory.grow(Math.ceil((bytes - cpuMemory.buffer.byteLength) / PAGE));
  const k = simdLogits(cpuMemory);
  return k === null ? null : { k, memory: cpuMemory };
}

/** tfjs-backend-wasm's WasmMemory, if it exposes one. */
function wasmMemoryOf(backend: WasmBackend): WasmMemory | null {
  for (const m of [backend.wasm.asm?.memory, backend.wasm.wasmMemory]) {
    if (isWasmMemory(m)) return m;
  }
  return null;
}

/**
 * Whether the SIMD kernels run on `backendName` (SIMD available and, for wasm, its memory
 * importable). Decided once per backend instance.
 * @internal
 */
export function simdAvailable(backendName: string, backend: unknown): boolean {
  if (backendName === 'cpu') return simdModule() !== null;
  if (backendName === 'wasm') {
    const memory = wasmMemoryOf(backend as WasmBackend);
    return memory !== null && simdLogits(memory) !== null;
  }
  return false;
}

function rowsOf(shape: readonly number[]): [number, number] {
  const V = shape[shape.length - 1] as number;
  let size = 1;
  for (const d of shape) size *= d;
  return [V === 0 ? 0 : size / V, V];
}

/** Throws the JavaScript kernels' RangeError for row `n` (whose max says it is bad) or an id. */
function throwBad(fn: string, kind: 'logp' | 'entropy', z: Float32Array, ids: Int32Array | null, N: number, V: number): never {
  const out = new Float32Array(N);
  if (kind === 'logp') logSoftmaxGatherRows(fn, z, ids as Int32Array, N, V, out, null);
  else entropyRows(fn, z, N, V, out, null);
  throw new RangeError(`${fn}: logits hold an invalid value`);
}

/** Fills `info` for row `n` from the kernels, with the row at byte offset `p`; returns false for a bad row. */
function forwardRow(k: SimdLogits, kind: 'logp' | 'entropy', p: number, V: number, zId: number, info: Float32Array, n: number, scratch: number, heap: ArrayBuffer): boolean {
  const m = k.rowMax(p, V);
  if (!(m < Infinity) || m === -Infinity) return false;
  const o = n * ROW_INFO_WIDTH;
  info[o + 1] = m;
  if (kind === 'logp') {
    const logS = Math.log(k.sumExp(p, V, m));
    info[o] = zId - m - logS;
    // -Infinity from a finite logit: an overflow (the JavaScript kernel names it)
    if (info[o] === -Infinity && zId !== -Infinity) return false;
    info[o + 2] = logS;
    info[o + 3] = 0;
  } else {
    k.sumExpX(p, V, m, scratch);
    const sums = new Float64Array(heap, scratch, 2);
    const s = sums[0] as number;
    const mean = (sums[1] as number) / s;
    const logS = Math.log(s);
    info[o] = logS - mean;
    info[o + 2] = logS;
    info[o + 3] = mean;
  }
  info[o + 4] = 0;
  return true;
}

function checkIds(fn: string, ids: Int32Array, V: number): void {
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n] as number;
    if (!(id >= 0 && id < V)) {
      throw new RangeError(`${fn}: ids[${n}] (flattened) is ${id}, expected an integer in [0, ${V}) (V = logits.shape[-1])`);
    }
  }
}

/** Forward kernel: `[rowInfo [N * 5]]` (a list of one tensor, as the webgpu kernel). @internal */
export function simdForward(kind: 'logp' | 'entropy', backendName: 'cpu' | 'wasm'): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { fn } = attrs as unknown as LogitsAttrs;
    const { logits, ids } = inputs as Record<string, TensorInfo>;
    const z = logits as TensorInfo;
    const [N, V] = rowsOf(z.shape);
    if (backendName === 'cpu') {
      const cpu = backend as unknown as CpuBackend;
      const zs = (cpu.data.get(z.dataId).values ?? cpu.readSync(z.dataId)) as Float32Array;
      const idv = ids === undefined ? null : ((cpu.data.get(ids.dataId).values ?? cpu.readSync(ids.dataId)) as Int32Array);
      if (idv !== null) checkIds(fn, idv, V);
      const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (4 * V)));
      const blockBytes = rowsPerBlock * V * 4;
      const scratch = Math.ceil(blockBytes / 8) * 8; // two float64 sums for the entropy
      const ctx = cpuKernels(scratch + 16) as { k: SimdLogits; memory: WasmMemory };
      const info = new Float32Array(N * ROW_INFO_WIDTH);
      const heap = new Float32Array(ctx.memory.buffer);
      for (let b0 = 0; b0 < N; b0 += rowsPerBlock) {
        const b1 = Math.min(N, b0 + rowsPerBlock);
        heap.set(zs.subarray(b0 * V, b1 * V), 0);
        for (let n = b0; n < b1; n++) {
          const zId = idv === null ? 0 : (zs[n * V + (idv[n] as number)] as number);
          if (!forwardRow(ctx.k, kind, (n - b0) * V * 4, V, zId, info, n, scratch, ctx.memory.buffer)) throwBad(fn, kind, zs, idv, N, V);
        }
      }
      return [cpu.makeTensorInfo([N * ROW_INFO_WIDTH], 'float32', info)];
    }
    const w = backend as unknown as WasmBackend;
    const memory = wasmMemoryOf(w) as WasmMemory;
    const k = simdLogits(memory) as SimdLogits;
    const out = w.makeOutput([N * ROW_INFO_WIDTH], 'float32');
    const scratch = w.makeOutput([4], 'float32'); // two float64 sums for the entropy
    try {
      const zOff = w.getMemoryOffset(z.dataId);
      const zs = w.typedArrayFromHeap(z) as Float32Array;
      const idv = ids === undefined ? null : (w.typedArrayFromHeap(ids) as Int32Array);
      if (idv !== null) checkIds(fn, idv, V);
      const info = w.typedArrayFromHeap(out) as Float32Array;
      const scratchOff = w.getMemoryOffset(scratch.dataId);
      for (let n = 0; n < N; n++) {
        const zId = idv === null ? 0 : (zs[n * V + (idv[n] as number)] as number);
        if (!forwardRow(k, kind, zOff + n * V * 4, V, zId, info, n, scratchOff, memory.buffer)) throwBad(fn, kind, zs, idv, N, V);
      }
      return [out];
    } catch (error) {
      w.disposeData(out.dataId, true);
      throw error;
    } finally {
      w.disposeData(scratch.dataId, true);
    }
  };
}

/** Backward kernel: inputs `{ dy [N], logits, rowInfo, ids? }` → the gradient w.r.t. the logits. @internal */
export function simdBackward(kind: 'logp' | 'entropy', backendName: 'cpu' | 'wasm'): KernelFunc {
  const row = (k: SimdLogits, src: number, dst: number, V: number, info: ArrayLike<number>, n: number, d: number): void => {
    const o = n * ROW_INFO_WIDTH;
    const m = info[o + 1] as number;
    const logS = info[o + 2] as number;
    if (kind === 'logp') k.gradLogp(src, dst, V, m, logS, d);
    else k.gradEntropy(src, dst, V, m, logS, info[o + 3] as number, d);
  };
  return ({ inputs, backend }) => {
    const { dy, logits, rowInfo, ids } = inputs as Record<string, TensorInfo>;
    const z = logits as TensorInfo;
    const [N, V] = rowsOf(z.shape);
    if (backendName === 'cpu') {
      const cpu = backend as unknown as CpuBackend;
      const read = (t: TensorInfo) => cpu.data.get(t.dataId).values ?? cpu.readSync(t.dataId);
      const zs = read(z) as Float32Array;
      const dys = read(dy as TensorInfo) as Float32Array;
      const info = read(rowInfo as TensorInfo) as Float32Array;
      const idv = ids === undefined ? null : (read(ids) as Int32Array);
      const out = new Float32Array(N * V);
      const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (4 * V)));
      const blockBytes = rowsPerBlock * V * 4;
      const ctx = cpuKernels(2 * blockBytes) as { k: SimdLogits; memory: WasmMemory };
      const heap = new Float32Array(ctx.memory.buffer);
      for (let b0 = 0; b0 < N; b0 += rowsPerBlock) {
        const b1 = Math.min(N, b0 + rowsPerBlock);
        heap.set(zs.subarray(b0 * V, b1 * V), 0);
        for (let n = b0; n < b1; n++) row(ctx.k, (n - b0) * V * 4, blockBytes + (n - b0) * V * 4, V, info, n, dys[n] as number);
        out.set(heap.subarray(blockBytes / 4, blockBytes / 4 + (b1 - b0) * V), b0 * V);
      }
      if (idv !== null) for (let n = 0; n < N; n++) out[n * V + (idv[n] as number)] += dys[n] as number;
      return cpu.makeTensorInfo(z.shape.slice(), 'float32', out);
    }
    const w = backend as unknown as WasmBackend;
    const k = simdLogits(wasmMemoryOf(w) as WasmMemory) as SimdLogits;
    const out = w.makeOutput(z.shape.slice(), 'float32');
    const zOff = w.getMemoryOffset(z.dataId);
    const outOff = w.getMemoryOffset(out.dataId);
    const dys = w.typedArrayFromHeap(dy as TensorInfo) as Float32Array;
    const info = w.typedArrayFromHeap(rowInfo as TensorInfo) as Float32Array;
    for (let n = 0; n < N; n++) row(k, zOff + n * V * 4, outOff + n * V * 4, V, info, n, dys[n] as number);
    if (ids !== undefined) {
      const idv = w.typedArrayFromHeap(ids) as Int32Array;
      const g = w.typedArrayFromHeap(out) as Float32Array;
      for (let n = 0; n < N; n++) g[n * V + (idv[n] as number)] += dys[n] as number;
    }
    return out;
  };
}
