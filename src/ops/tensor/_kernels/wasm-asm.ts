/**
 * A minimal WebAssembly binary writer: just what the SIMD logits kernels of
 * `simd-logits.ts` need (one imported memory, a few exported functions, i32 / f32 / f64 /
 * v128 locals, structured control flow, loads and stores, SIMD arithmetic). Opcodes follow
 * the WebAssembly 2.0 binary format (SIMD: the `0xfd` prefix and a LEB128 opcode).
 * @internal
 * @module
 */

/** The part of a `WebAssembly.Memory` used here (the project's TypeScript lib has no DOM / WebAssembly types). @internal */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the `WebAssembly` global used here. @internal */
export interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** The `WebAssembly` global, or null where there is none. @internal */
export function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api !== undefined && typeof api.Memory === 'function' ? api : null;
}

/** Whether `value` is a `WebAssembly.Memory`. @internal */
export function isWasmMemory(value: unknown): value is WasmMemory {
  const api = wasmApi();
  return api !== null && value instanceof (api.Memory as unknown as new () => object);
}

/** Value types. @internal */
export const T = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
/** A value type. @internal */
export type ValType = (typeof T)[keyof typeof T];

/** Unsigned LEB128. @internal */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). @internal */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function f32Bytes(x: number): number[] {
  return Array.from(new Uint8Array(new Float32Array([x]).buffer));
}

function f64Bytes(x: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([x]).buffer));
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** Memory immediate: alignment (log2 bytes) and offset. */
const memarg = (align: number, offset = 0): number[] => [...uleb(align), ...uleb(offset)];

/** Instructions, as byte arrays. @internal */
export const I = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  return: [0x0f],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  f32: (x: number) => [0x43, ...f32Bytes(x)],
  f64: (x: number) => [0x44, ...f64Bytes(x)],
  f32Load: [0x2a, ...memarg(2)],
  f32Store: [0x38, ...memarg(2)],
  f64Store: [0x39, ...memarg(3)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32LtS: [0x48],
  i32LeS: [0x4c],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Max: [0x97],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f64PromoteF32: [0xbb],
  v128Load: [...simd(0x00), ...memarg(4)],
  v128Store: [...simd(0x0b), ...memarg(4)],
  /** `v128.load` with a constant byte offset. */
  v128LoadAt: (offset: number) => [...simd(0x00), ...memarg(4, offset)],
  /** `v128.store` with a constant byte offset. */
  v128StoreAt: (offset: number) => [...simd(0x0b), ...memarg(4, offset)],
  /** `i8x16.shuffle` that swaps the two 64-bit halves. */
  swapHalves: [...simd(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
  f32x4Splat: simd(0x13),
  f64x2Splat: simd(0x14),
  f32x4Lane: (lane: number) => [...simd(0x1f), lane],
  f64x2Lane: (lane: number) => [...simd(0x21), lane],
  f32x4Ne: simd(0x42),
  f32x4Ge: simd(0x46),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  v128AnyTrue: simd(0x53),
  f64x2PromoteLow: simd(0x5f),
  f32x4Nearest: simd(0x6a),
  i32x4Shl: simd(0xab),
  i32x4Add: simd(0xae),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Max: simd(0xe9),
  /** Pseudo-max `a < b ? b : a` (one instruction; a NaN in b is ignored). */
  f32x4Pmax: simd(0xeb),
  i32x4Sub: simd(0xb1),
  f64x2Add: simd(0xf0),
  i32x4SplatI32: simd(0x11),
  i32x4TruncSatF32x4S: simd(0xf8),
};

/** A function of the module. @internal */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  /** Locals after the parameters. */
  readonly locals: readonly ValType[];
  /** The body, without the final `end`. */
  readonly body: ReadonlyArray<readonly number[]>;
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

/**
 * A module importing its memory as `env.memory` and exporting `functions` by name.
 * @internal
 */
export function wasmModule(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results.length), ...f.results]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]];
  const funcs = functions.map((_, i) => uleb(i));
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const codes = functions.map((f) => {
    const groups: number[][] = f.locals.map((t) => [...uleb(1), t]);
    const body = [...vec(groups), ...f.body.flat(), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ]);
}
