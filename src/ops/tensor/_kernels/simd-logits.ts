/**
 * WebAssembly SIMD kernels for rows of logits (built with `wasm-asm.ts` at first use, no
 * toolchain): the row maximum, the sum of `exp(z - max)` (and of `exp(z - max) (z - max)`
 * for the entropy), and the gradients of log-softmax + gather and of the entropy. Four lanes
 * at a time, two vectors per loop iteration; `exp(x) = 2^k 2^f` with `y = x log2 e`, k = round(y)
 * (by adding 1.5 * 2^23), f = y - k and a degree-6 polynomial for 2^f (relative error 2.5e-9;
 * with the float32 rounding of y, within a few ulp where exp(x) > 1e-10, which is all that
 * matters next to the row's largest term, 1); sums are accumulated in float64. Maxima use
 * `f32x4.pmax` (one instruction) and detect NaN apart.
 *
 * The kernels read and write the linear memory of the instance: on the wasm backend that is
 * tfjs-backend-wasm's own memory (zero copies: tensors are addressed where they live), on
 * the cpu backend a memory of this module that rows are copied through in blocks.
 * @internal
 * @module
 */
import { I, T, wasmApi, wasmModule, type ValType, type WasmFunction, type WasmMemory } from './wasm-asm.js';

/** The exported functions. @internal */
export interface SimdLogits {
  /** Maximum of `n` floats at byte offset `p` (NaN if any is NaN). */
  rowMax(p: number, n: number): number;
  /** Sum over the row of `exp(z - m)` (float64). */
  sumExp(p: number, n: number, m: number): number;
  /** Sums of `e = exp(x)` and `e x`, `x = max(z - m, -256)`, written as two float64 at byte offset `out`. */
  sumExpX(p: number, n: number, m: number, out: number): void;
  /** `dst = -scale * exp(z - m - logS)`: the softmax part of the gradient of log-softmax + gather. */
  gradLogp(src: number, dst: number, n: number, m: number, logS: number, scale: number): void;
  /** `dst = -scale * p (x - mean)`, `x = max(z - m, -256)`, `p = exp(x - logS)`: the gradient of the entropy. */
  gradEntropy(src: number, dst: number, n: number, m: number, logS: number, mean: number, scale: number): void;
}

// Constants kept in v128 locals (set once per call, at the start).
const MAGIC = 12582912; // 1.5 * 2^23: adding it rounds a float to an integer, kept in the low mantissa bits
const CONSTANTS: ReadonlyArray<readonly [string, number]> = [
  ['lo', -87], // exp(-87) ~ 1.6e-38: below, the result is 0
  ['log2e', Math.LOG2E],
  ['magic', MAGIC],
  // 2^f on [-1/2, 1/2]: degree-6 interpolation at Chebyshev nodes, relative error 2.5e-9
  ['c6', 0.00015461444695632573],
  ['c5', 0.0013400428177416093],
  ['c4', 0.00961805667853236],
  ['c3', 0.05550327226670846],
  ['c2', 0.2402265092228873],
  ['c1', 0.6931472067028324],
  ['one', 1],
];
/** Vectors per loop iteration (independent work for the out-of-order core). */
const UNROLL = 2;

type Locals = Record<string, number>;
type Code = number[][];

/** Builds a function: named params and locals, v128 constants, and the scratch locals of EXP (one set per unrolled vector). */
function fn(
  name: string,
  params: ReadonlyArray<readonly [string, ValType]>,
  results: readonly ValType[],
  locals: ReadonlyArray<readonly [string, ValType]>,
  body: (l: Locals, exp: (x: number, u: number) => Code) => Code,
): WasmFunction {
  const scratch = Array.from({ length: UNROLL }, (_, u) => [
    [`xc${u}`, T.v128],
    [`t${u}`, T.v128],
    [`r${u}`, T.v128],
  ] as const).flat();
  const all = [...params, ...locals, ...CONSTANTS.map(([n]) => [n, T.v128] as const), ['bias', T.v128] as const, ...scratch];
  const l: Locals = {};
  all.forEach(([n], i) => (l[n] = i));
  const g = (n: string) => I.get(l[n] as number);
  const set = (n: string) => I.set(l[n] as number);
  const magicBits = new Int32Array(new Float32Array([MAGIC]).buffer)[0] as number;
  const setup: Code = [
    ...CONSTANTS.flatMap(([n, v]) => [I.f32(v), I.f32x4Splat, set(n)]),
    [...I.i32(magicBits - 127), ...I.i32x4SplatI32, ...set('bias')],
  ];
  /** exp of the v128 local `x`, left on the stack; `u` picks the scratch locals. */
  const exp = (x: number, u: number): Code => [
    // y = max(x, lo) log2 e; t = y + MAGIC (t's low mantissa bits hold k = round(y)); k as a float; f = y - k
    g('lo'), I.get(x), I.f32x4Pmax, g('log2e'), I.f32x4Mul, set(`xc${u}`),
    g(`xc${u}`), g('magic'), I.f32x4Add, set(`t${u}`),
    g(`xc${u}`), g(`t${u}`), g('magic'), I.f32x4Sub, I.f32x4Sub, set(`r${u}`),
    // 2^f = 1 + f (c1 + f (c2 + f (c3 + f (c4 + f (c5 + f c6)))))
    g('c6'), g(`r${u}`), I.f32x4Mul, g('c5'), I.f32x4Add,
    g(`r${u}`), I.f32x4Mul, g('c4'), I.f32x4Add,
    g(`r${u}`), I.f32x4Mul, g('c3'), I.f32x4Add,
    g(`r${u}`), I.f32x4Mul, g('c2'), I.f32x4Add,
    g(`r${u}`), I.f32x4Mul, g('c1'), I.f32x4Add,
    g(`r${u}`), I.f32x4Mul, g('one'), I.f32x4Add,
    // times 2^k: the float with exponent bits k + 127 = bits(t) - (bits(MAGIC) - 127)
    g(`t${u}`), g('bias'), I.i32x4Sub, I.i32(23), I.i32x4Shl, I.f32x4Mul,
    // 0 where x < lo (and where x is NaN)
    I.get(x), g('lo'), I.f32x4Ge, I.v128And,
  ];
  return {
    name,
    params: params.map(([, t]) => t),
    results,
    locals: all.slice(params.length).map(([, t]) => t),
    body: [...setup, ...body(l, exp)],
  };
}

/**
 * `for (i = 0; i + 4 U <= n; i += 4 U) for u < U: vector(u, offset 16 u from addr = 4 i);
 *  for (; i < n; i++) scalar(addr = 4 i)`, with `i` and `addr` (byte offset from the row start) in locals.
 */
function rows(l: Locals, vector: (u: number) => Code, scalar: Code): Code {
  const i = l['i'] as number;
  const n = l['n'] as number;
  const addr = l['addr'] as number;
  const step = 4 * UNROLL;
  return [
    I.i32(0), I.set(i),
    I.block, I.loop,
    I.get(i), I.i32(step), I.i32Add, I.get(n), [0x4a] /* i32.gt_s */, I.brIf(1),
    I.get(i), I.i32(2), I.i32Shl, I.set(addr),
    ...Array.from({ length: UNROLL }, (_, u) => vector(u)).flat(),
    I.get(i), I.i32(step), I.i32Add, I.set(i), I.br(0),
    I.end, I.end,
    I.block, I.loop,
    I.get(i), I.get(n), [0x4e] /* i32.ge_s */, I.brIf(1),
    I.get(i), I.i32(2), I.i32Shl, I.set(addr),
    ...scalar,
    I.get(i), I.i32(1), I.i32Add, I.set(i), I.br(0),
    I.end, I.end,
  ];
}

/** Byte address `base + addr` on the stack. */
const at = (l: Locals, base: string): number[] => [...I.get(l[base] as number), ...I.get(l['addr'] as number), ...I.i32Add];

function functions(): WasmFunction[] {
  const v = (u: string, k: number) => `${u}${k}`;

  // max with pmax (one instruction) in UNROLL accumulators; NaN detected apart (x != x)
  const rowMax = fn(
    'rowMax',
    [['p', T.i32], ['n', T.i32]],
    [T.f32],
    [['i', T.i32], ['addr', T.i32], ['m', T.f32], ['nan', T.v128], ['y', T.v128], ...Array.from({ length: UNROLL }, (_, u) => [v('acc', u), T.v128] as const)],
    (l) => {
      const g = (n: string) => I.get(l[n] as number);
      const s = (n: string) => I.set(l[n] as number);
      const lanes: Code = [];
      for (let u = 0; u < UNROLL; u++) for (let lane = 0; lane < 4; lane++) lanes.push(g(v('acc', u)), I.f32x4Lane(lane), I.f32Max);
      return [
        ...Array.from({ length: UNROLL }, (_, u) => [I.f32(-Infinity), I.f32x4Splat, s(v('acc', u))]).flat(),
        I.f32(0), I.f32x4Splat, s('nan'),
        I.f32(-Infinity), s('m'),
        ...rows(
          l,
          (u) => [
            at(l, 'p'), I.v128LoadAt(16 * u), s('y'),
            g(v('acc', u)), g('y'), I.f32x4Pmax, s(v('acc', u)),
            g('nan'), g('y'), g('y'), I.f32x4Ne, I.v128Or, s('nan'),
          ],
          [g('m'), at(l, 'p'), I.f32Load, I.f32Max, s('m')],
        ),
        g('m'), ...lanes,
        // any NaN: the maximum is NaN
        g('nan'), I.v128AnyTrue, I.if, I.f32(Number.NaN), s('m'), I.f32(Number.NaN), I.return, I.end,
      ];
    },
  );

  /** Adds the four lanes of the v128 local `e` into the float64x2 accumulators `a0`, `a1`. */
  const accumulate = (l: Locals, e: string, a0: string, a1: string): Code => [
    I.get(l[a0] as number), I.get(l[e] as number), I.f64x2PromoteLow, I.f64x2Add, I.set(l[a0] as number),
    I.get(l[a1] as number), I.get(l[e] as number), I.get(l[e] as number), I.swapHalves, I.f64x2PromoteLow, I.f64x2Add, I.set(l[a1] as number),
  ];
  /** The scalar-tail vector `e`: only lane 0 counts. */
  const accumulateLane0 = (l: Locals, e: string, s: string): Code => [
    I.get(l[s] as number), I.get(l[e] as number), I.f32x4Lane(0), I.f64PromoteF32, I.f64Add, I.set(l[s] as number),
  ];
  /** The scalar `s` plus every lane of the accumulators `${a}${u}` (u < 2 UNROLL). */
  const total = (l: Locals, a: string, s: string): Code => [
    I.get(l[s] as number),
    ...Array.from({ length: 2 * UNROLL }, (_, u) => [
      [...I.get(l[v(a, u)] as number), ...I.f64x2Lane(0), ...I.f64Add],
      [...I.get(l[v(a, u)] as number), ...I.f64x2Lane(1), ...I.f64Add],
    ]).flat(),
  ];
  const zeroAccumulators = (l: Locals, a: string): Code =>
    Array.from({ length: 2 * UNROLL }, (_, u) => [...I.f64(0), ...I.f64x2Splat, ...I.set(l[v(a, u)] as number)]);
  const perVector = (prefix: string, type: ValType) => Array.from({ length: UNROLL }, (_, u) => [v(prefix, u), type] as const);
  /** Two float64x2 accumulators per unrolled vector (no long chain through one register). */
  const accumulators = (prefix: string) => Array.from({ length: 2 * UNROLL }, (_, u) => [v(prefix, u), T.v128] as const);

  const sumExp = fn(
    'sumExp',
    [['p', T.i32], ['n', T.i32], ['m', T.f32]],
    [T.f64],
    [['i', T.i32], ['addr', T.i32], ['mv', T.v128], ['s', T.f64], ...perVector('x', T.v128), ...perVector('e', T.v128), ...accumulators('a')],
    (l, exp) => {
      const g = (n: string) => I.get(l[n] as number);
      const s = (n: string) => I.set(l[n] as number);
      return [
        g('m'), I.f32x4Splat, s('mv'),
        ...zeroAccumulators(l, 'a'),
        I.f64(0), s('s'),
        ...rows(
          l,
          (u) => [
            at(l, 'p'), I.v128LoadAt(16 * u), g('mv'), I.f32x4Sub, s(v('x', u)),
            ...exp(l[v('x', u)] as number, u), s(v('e', u)), ...accumulate(l, v('e', u), v('a', 2 * u), v('a', 2 * u + 1)),
          ],
          [at(l, 'p'), I.f32Load, g('m'), I.f32Sub, I.f32x4Splat, s('x0'), ...exp(l['x0'] as number, 0), s('e0'), ...accumulateLane0(l, 'e0', 's')],
        ),
        ...total(l, 'a', 's'),
      ];
    },
  );

  // x = max(z - m, -256); e = exp(x); sums of e and e x
  const sumExpX = fn(
    'sumExpX',
    [['p', T.i32], ['n', T.i32], ['m', T.f32], ['out', T.i32]],
    [],
    [
      ['i', T.i32], ['addr', T.i32], ['mv', T.v128], ['floor', T.v128], ['s', T.f64], ['t', T.f64],
      ...perVector('x', T.v128), ...perVector('e', T.v128), ...perVector('ex', T.v128), ...accumulators('a'), ...accumulators('b'),
    ],
    (l, exp) => {
      const g = (n: string) => I.get(l[n] as number);
      const s = (n: string) => I.set(l[n] as number);
      const body = (u: number, load: Code): Code => [
        ...load, g('mv'), I.f32x4Sub, s(v('x', u)), g('floor'), g(v('x', u)), I.f32x4Pmax, s(v('x', u)),
        ...exp(l[v('x', u)] as number, u), s(v('e', u)), g(v('e', u)), g(v('x', u)), I.f32x4Mul, s(v('ex', u)),
      ];
      return [
        g('m'), I.f32x4Splat, s('mv'),
        I.f32(-256), I.f32x4Splat, s('floor'),
        ...zeroAccumulators(l, 'a'), ...zeroAccumulators(l, 'b'),
        I.f64(0), s('s'), I.f64(0), s('t'),
        ...rows(
          l,
          (u) => [
            ...body(u, [at(l, 'p'), I.v128LoadAt(16 * u)]),
            ...accumulate(l, v('e', u), v('a', 2 * u), v('a', 2 * u + 1)),
            ...accumulate(l, v('ex', u), v('b', 2 * u), v('b', 2 * u + 1)),
          ],
          [...body(0, [at(l, 'p'), I.f32Load, I.f32x4Splat]), ...accumulateLane0(l, 'e0', 's'), ...accumulateLane0(l, 'ex0', 't')],
        ),
        g('out'), ...total(l, 'a', 's'), I.f64Store,
        g('out'), I.i32(8), I.i32Add, ...total(l, 'b', 't'), I.f64Store,
      ];
    },
  );

  const gradLogp = fn(
    'gradLogp',
    [['src', T.i32], ['dst', T.i32], ['n', T.i32], ['m', T.f32], ['logS', T.f32], ['scale', T.f32]],
    [],
    [['i', T.i32], ['addr', T.i32], ['mv', T.v128], ['lv', T.v128], ['sv', T.v128], ...perVector('x', T.v128)],
    (l, exp) => {
      const g = (n: string) => I.get(l[n] as number);
      const s = (n: string) => I.set(l[n] as number);
      // x = (z - m) - logS, in that order: m + logS would round at the logits' scale
      const value = (u: number, load: Code): Code => [...load, g('mv'), I.f32x4Sub, g('lv'), I.f32x4Sub, s(v('x', u)), ...exp(l[v('x', u)] as number, u), g('sv'), I.f32x4Mul];
      return [
        g('m'), I.f32x4Splat, s('mv'),
        g('logS'), I.f32x4Splat, s('lv'),
        I.f32(0), g('scale'), I.f32Sub, I.f32x4Splat, s('sv'),
        ...rows(
          l,
          (u) => [at(l, 'dst'), ...value(u, [at(l, 'src'), I.v128LoadAt(16 * u)]), I.v128StoreAt(16 * u)],
          [at(l, 'dst'), ...value(0, [at(l, 'src'), I.f32Load, I.f32x4Splat]), I.f32x4Lane(0), I.f32Store],
        ),
      ];
    },
  );

  const gradEntropy = fn(
    'gradEntropy',
    [['src', T.i32], ['dst', T.i32], ['n', T.i32], ['m', T.f32], ['logS', T.f32], ['mean', T.f32], ['scale', T.f32]],
    [],
    [
      ['i', T.i32], ['addr', T.i32], ['mv', T.v128], ['lv', T.v128], ['meanv', T.v128], ['sv', T.v128], ['floor', T.v128],
      ...perVector('x', T.v128), ...perVector('y', T.v128),
    ],
    (l, exp) => {
      const g = (n: string) => I.get(l[n] as number);
      const s = (n: string) => I.set(l[n] as number);
      const value = (u: number, load: Code): Code => [
        ...load, g('mv'), I.f32x4Sub, s(v('x', u)), g('floor'), g(v('x', u)), I.f32x4Pmax, s(v('x', u)),
        g(v('x', u)), g('lv'), I.f32x4Sub, s(v('y', u)),
        ...exp(l[v('y', u)] as number, u), g(v('x', u)), g('meanv'), I.f32x4Sub, I.f32x4Mul, g('sv'), I.f32x4Mul,
      ];
      return [
        g('m'), I.f32x4Splat, s('mv'),
        g('logS'), I.f32x4Splat, s('lv'),
        g('mean'), I.f32x4Splat, s('meanv'),
        I.f32(0), g('scale'), I.f32Sub, I.f32x4Splat, s('sv'),
        I.f32(-256), I.f32x4Splat, s('floor'),
        ...rows(
          l,
          (u) => [at(l, 'dst'), ...value(u, [at(l, 'src'), I.v128LoadAt(16 * u)]), I.v128StoreAt(16 * u)],
          [at(l, 'dst'), ...value(0, [at(l, 'src'), I.f32Load, I.f32x4Splat]), I.f32x4Lane(0), I.f32Store],
        ),
      ];
    },
  );

  return [rowMax, sumExp, sumExpX, gradLogp, gradEntropy];
}

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is not available. @internal */
export function simdModule(): object | null {
  if (compiled !== undefined) return compiled;
  const api = wasmApi();
  try {
    const bytes = wasmModule(functions());
    compiled = api !== null && api.validate(bytes) ? new api.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

const instances = new WeakMap<WasmMemory, SimdLogits | null>();

/**
 * The kernels over `memory`, or null when SIMD is missing or the memory cannot be imported
 * (e.g. a shared memory of the threaded tfjs-wasm binary).
 * @internal
 */
export function simdLogits(memory: WasmMemory): SimdLogits | null {
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  const module = simdModule();
  const api = wasmApi();
  let kernels: SimdLogits | null = null;
  if (module !== null && api !== null) {
    try {
      kernels = new api.Instance(module, { env: { memory } }).exports as unknown as SimdLogits;
    } catch {
      kernels = null;
    }
  }
  instances.set(memory, kernels);
  return kernels;
}
