/**
 * Shared by `bench/ops.ts` (cpu, wasm, webgpu in Node) and `bench/ops-gpu.ts` (the bundle
 * for the GPU machine): the synthetic inputs, the timed cases, the memory floors and the
 * accuracy checks of the `srl-kit/ops` tensor ops. See bench/README.md.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs-core';
import { policyLossArray } from '../src/ops/arrays/policy-loss-array.js';
import { setSimdEnabled } from '../src/ops/tensor/_kernels/host-kernels.js';
import { setFusedKernelsEnabled } from '../src/ops/tensor/_kernels/registry.js';
import { accurateSum } from '../src/ops/tensor/_sum.js';
import { aggregateLoss } from '../src/ops/tensor/aggregate-loss.js';
import { policyLoss } from '../src/ops/tensor/policy-loss.js';
import { tokenLogProbs } from '../src/ops/tensor/token-log-probs.js';

// ---------------------------------------------------------------- sizes and data

/** Problem sizes. */
export interface Sizes {
  /** PPO loss: B sequences of T tokens. */
  readonly ppo: readonly [number, number];
  /** tokenLogProbs: N rows of V logits. */
  readonly logits: readonly [number, number];
}

/** The sizes of the reference figures (shared/device/README.md). */
export const FULL: Sizes = { ppo: [1024, 8192], logits: [2048, 32000] };
/** `--quick` (CI). */
export const QUICK: Sizes = { ppo: [128, 1024], logits: [256, 4000] };

/** A deterministic PRNG (mulberry32) with a normal sampler. */
export function prng(seed: number): { uniform: () => number; normal: () => number } {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** The host arrays of a PPO case: [B, T] float32 each (advantages per token, as the reference figures: 4 arrays read). */
export interface PpoData {
  readonly B: number;
  readonly T: number;
  readonly logProbs: Float32Array;
  readonly oldLogProbs: Float32Array;
  readonly advantages: Float32Array;
  readonly mask: Float32Array;
}

/**
 * Like a GRPO micro-batch: each row a response of random length (prefix mask, at least a
 * quarter of T), one advantage per row (written per token), log-ratios ~ N(0, 0.1) so that
 * a few percent of the tokens are clipped.
 */
export function ppoData(B: number, T: number, seed = 1): PpoData {
  const r = prng(seed);
  const n = B * T;
  const d = { B, T, logProbs: new Float32Array(n), oldLogProbs: new Float32Array(n), advantages: new Float32Array(n), mask: new Float32Array(n) };
  for (let b = 0; b < B; b++) {
    const len = Math.ceil(T / 4 + r.uniform() * (T - T / 4));
    const a = r.normal();
    for (let t = 0; t < T; t++) {
      const k = b * T + t;
      const old = -0.01 - r.uniform() * 6;
      d.oldLogProbs[k] = old;
      d.logProbs[k] = Math.min(old + 0.1 * r.normal(), 0);
      d.advantages[k] = a;
      d.mask[k] = t < len ? 1 : 0;
    }
  }
  return d;
}

/** Logits ~ N(0, 2) and uniformly drawn token ids. */
export function logitsData(N: number, V: number, seed = 2): { N: number; V: number; logits: Float32Array; ids: Int32Array } {
  const r = prng(seed);
  const logits = new Float32Array(N * V);
  for (let i = 0; i < logits.length; i++) logits[i] = 2 * r.normal();
  const ids = new Int32Array(N);
  for (let i = 0; i < N; i++) ids[i] = Math.floor(r.uniform() * V);
  return { N, V, logits, ids };
}

// ---------------------------------------------------------------- timing

/**
 * A function that runs a full garbage collection: `globalThis.gc` when node runs with
 * `--expose-gc`, else enabled at run time; a no-op if neither works.
 */
export function loadGc(): () => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

/** One timed case. */
export interface Timing {
  readonly backend: string;
  /** `ppo` or `logits`. */
  readonly case: string;
  /** What ran, e.g. `fused`, `composed`, `floor: copy`. */
  readonly impl: string;
  readonly shape: readonly number[];
  readonly rounds: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median over the case's memory floor (the copy of the same bytes, same backend, same run); null for the floors. */
  readonly ratioToFloor: number | null;
  readonly note?: string;
}

function stats(ms: number[]): { medianMs: number; minMs: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { medianMs: s[Math.floor(s.length / 2)] as number, minMs: s[0] as number, maxMs: s[s.length - 1] as number };
}

/** Runs `round` once to warm up, then `rounds` times; each returns its own elapsed ms. */
async function measure(rounds: number, round: () => Promise<number>, gc: () => void): Promise<number[]> {
  gc();
  await round();
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    gc();
    ms.push(await round());
  }
  return ms;
}

/** Waits for `t` to be computed: a tiny read (on a GPU, after every command queued before it). */
async function settle(t: tf.Tensor): Promise<void> {
  await t.data();
}

/** Options of {@link timeBackend}. */
export interface TimeOptions {
  readonly sizes: Sizes;
  readonly rounds: number;
  /** Also time the composed tfjs ops (the fallback without fused kernels). */
  readonly composed: boolean;
  readonly composedRounds: number;
  /** webgpu: also time with the gradient read back to the host. */
  readonly readBack: boolean;
  /** cpu / wasm: also time the JavaScript logits kernels (SIMD off). */
  readonly jsKernels: boolean;
  readonly gc: () => void;
  readonly log: (line: string) => void;
}

/** Times the PPO and logits cases on the active backend, each beside its memory floor. */
export async function timeBackend(o: TimeOptions): Promise<Timing[]> {
  const backend = tf.getBackend();
  const out: Timing[] = [];
  const push = (t: Omit<Timing, 'ratioToFloor'>, floorMs: number | null): void => {
    const timing: Timing = { ...t, ratioToFloor: floorMs === null ? null : t.medianMs / floorMs };
    out.push(timing);
    o.log(
      `  ${t.case.padEnd(6)} ${t.impl.padEnd(34)} ${t.medianMs.toFixed(2).padStart(10)} ms  (min ${t.minMs.toFixed(2)}, max ${t.maxMs.toFixed(2)})` +
        (timing.ratioToFloor === null ? '' : `  ${timing.ratioToFloor.toFixed(1)}x floor`),
    );
  };
  const onGpu = backend === 'webgpu';

  // ---- PPO loss, forward + backward w.r.t. logProbs
  {
    const [B, T] = o.sizes.ppo;
    const d = ppoData(B, T);
    const arrays = [d.logProbs, d.oldLogProbs, d.advantages, d.mask];
    const shape = [B, T];
    const floor = await hostFloor(arrays, o);
    push({ backend, case: 'ppo', impl: 'floor: copy of the 4 inputs (set)', shape, rounds: o.rounds, ...stats(floor) }, null);
    let floorMs = stats(floor).medianMs;
    const lp = tf.tensor2d(d.logProbs, [B, T]);
    const inputs = { oldLogProbs: tf.tensor2d(d.oldLogProbs, [B, T]), advantages: tf.tensor2d(d.advantages, [B, T]), mask: tf.tensor2d(d.mask, [B, T]) };
    const validate = onGpu ? { validate: false } : {};
    if (onGpu) {
      const dev = await deviceFloor([lp, ...Object.values(inputs)], o);
      push({ backend, case: 'ppo', impl: 'floor: device copy (x + 0) of 4 inputs', shape, rounds: o.rounds, ...stats(dev) }, null);
      floorMs = stats(dev).medianMs; // on a GPU, ratios are to the device floor
    }
    const variants: Array<[string, boolean, boolean, number]> = [['fused', true, false, o.rounds]];
    if (onGpu && o.readBack) variants.push(['fused + gradient read back', true, true, o.rounds]);
    if (o.composed) variants.push([onGpu ? 'composed tfjs ops + gradient read back' : 'composed tfjs ops', false, onGpu, o.composedRounds]);
    for (const [impl, fused, readBack, rounds] of variants) {
      setFusedKernelsEnabled(fused);
      const ms = await measure(rounds, async () => {
        const start = performance.now();
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => policyLoss({ ...inputs, logProbs: x }, validate).loss)(lp);
        await settle(value);
        if (readBack) await grad.data();
        const elapsed = performance.now() - start;
        tf.dispose([value, grad]);
        return elapsed;
      }, o.gc);
      push({ backend, case: 'ppo', impl, shape, rounds, ...stats(ms) }, floorMs);
    }
    setFusedKernelsEnabled(true);
    tf.dispose([lp, ...Object.values(inputs)]);
  }

  // ---- tokenLogProbs, forward + backward w.r.t. the logits
  {
    const [N, V] = o.sizes.logits;
    const d = logitsData(N, V);
    const shape = [N, V];
    const floor = await hostFloor([d.logits], o);
    push({ backend, case: 'logits', impl: 'floor: copy of the logits (set)', shape, rounds: o.rounds, ...stats(floor) }, null);
    if (!onGpu) {
      // what a fresh output costs on top (page faults): every op that returns a new tensor pays it
      const fresh = await measure(o.rounds, async () => {
        const start = performance.now();
        new Float32Array(d.logits.length).set(d.logits);
        return performance.now() - start;
      }, o.gc);
      push({ backend, case: 'logits', impl: 'floor: fresh array + copy (context)', shape, rounds: o.rounds, ...stats(fresh) }, null);
    }
    let floorMs = stats(floor).medianMs;
    const z = tf.tensor2d(d.logits, [N, V]);
    const ids = tf.tensor1d(d.ids, 'int32');
    if (onGpu) {
      const dev = await deviceFloor([z], o);
      push({ backend, case: 'logits', impl: 'floor: device copy (x + 0) of the logits', shape, rounds: o.rounds, ...stats(dev) }, null);
      floorMs = stats(dev).medianMs;
    }
    const validate = onGpu ? { validate: false } : {};
    const variants: Array<[string, boolean, boolean, boolean, number]> = [['fused', true, true, false, o.rounds]];
    if (!onGpu && o.jsKernels) variants.push(['fused, JavaScript kernels (no SIMD)', true, false, false, o.rounds]);
    if (onGpu && o.readBack) variants.push(['fused + gradient read back', true, true, true, o.rounds]);
    if (o.composed) variants.push([onGpu ? 'composed tfjs ops + gradient read back' : 'composed tfjs ops', false, true, onGpu, o.composedRounds]);
    for (const [impl, fused, simd, readBack, rounds] of variants) {
      setFusedKernelsEnabled(fused);
      setSimdEnabled(simd);
      const ms = await measure(rounds, async () => {
        const start = performance.now();
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.sum(tokenLogProbs(x, ids, validate)))(z);
        await settle(value);
        if (readBack) await grad.data();
        const elapsed = performance.now() - start;
        tf.dispose([value, grad]);
        return elapsed;
      }, o.gc);
      push({ backend, case: 'logits', impl, shape, rounds, ...stats(ms) }, floorMs);
    }
    setFusedKernelsEnabled(true);
    setSimdEnabled(true);
    tf.dispose([z, ids]);
  }
  return out;
}

/** The memory floor on a GPU: one elementwise pass (`x + 0`) over each input, then a wait for the queue. */
async function deviceFloor(inputs: readonly tf.Tensor[], o: TimeOptions): Promise<number[]> {
  return measure(o.rounds, async () => {
    const start = performance.now();
    const copies = inputs.map((t) => tf.add(t, 0));
    const last = tf.slice(tf.reshape(copies[copies.length - 1] as tf.Tensor, [-1]), [0], [1]);
    await settle(last);
    const ms = performance.now() - start;
    tf.dispose([...copies, last]);
    return ms;
  }, o.gc);
}

/** The memory floor on the host: `Float32Array.prototype.set` of the same bytes into buffers allocated once. */
async function hostFloor(arrays: readonly Float32Array[], o: TimeOptions): Promise<number[]> {
  const targets = arrays.map((a) => new Float32Array(a.length));
  for (const t of targets) t.fill(0); // touch the pages outside the timed region
  return measure(o.rounds, async () => {
    const start = performance.now();
    arrays.forEach((a, i) => (targets[i] as Float32Array).set(a));
    return performance.now() - start;
  }, o.gc);
}

// ---------------------------------------------------------------- accuracy

/** One accuracy check: a float32 result against float64. */
export interface AccuracyCheck {
  readonly backend: string;
  readonly what: string;
  readonly elements: number;
  readonly value: number;
  readonly reference: number;
  readonly relativeError: number;
  /** Whether the check must hold (1e-5 relative): false for the contrast with a plain `tf.sum`. */
  readonly required: boolean;
  readonly ok: boolean;
}

const ACCURACY = 1e-5;

/**
 * On the active backend, at 8M elements (1024 x 8192 tokens): chunked sums, `aggregateLoss`
 * and `policyLoss` (fused; composed too with `composed`) against float64, plus the plain
 * `tf.sum` as a contrast (not required).
 */
export async function accuracyChecks(composed: boolean, log: (line: string) => void): Promise<AccuracyCheck[]> {
  const backend = tf.getBackend();
  const out: AccuracyCheck[] = [];
  const check = (what: string, elements: number, value: number, reference: number, required = true): void => {
    const relativeError = Math.abs(value - reference) / Math.abs(reference);
    const ok = !required || relativeError <= ACCURACY;
    out.push({ backend, what, elements, value, reference, relativeError, required, ok });
    log(`  ${(ok ? 'ok   ' : 'FAIL ') + what.padEnd(52)} rel. error ${relativeError.toExponential(2)}${required ? '' : ' (contrast, not required)'}`);
  };
  const read = async (t: tf.Tensor): Promise<number> => {
    const v = (await t.data())[0] as number;
    t.dispose();
    return v;
  };
  const [B, T] = FULL.ppo;
  const n = B * T;
  // positive values: a sequential float32 sum drifts (each addition rounds at the running total)
  const r = prng(3);
  const values = new Float32Array(n);
  let exact = 0;
  for (let i = 0; i < n; i++) {
    values[i] = 0.5 + r.uniform();
    exact += values[i] as number;
  }
  const x = tf.tensor1d(values);
  check('tf.sum of 8M float32 (the backend alone)', n, await read(tf.sum(x)), exact, false);
  check('accurateSum (chunks of 1024) of 8M float32', n, await read(accurateSum(x)), exact);
  const x2 = tf.reshape(x, [B, T]);
  const ones = tf.onesLike(x2);
  check("aggregateLoss 'token-mean', 1024 x 8192, full mask", n, await read(aggregateLoss(x2, ones, 'token-mean', undefined, { validate: false })), exact / n);
  tf.dispose([x, x2, ones]);

  const d = ppoData(B, T, 4);
  const reference = policyLossArray({ ...d, shape: [B, T] }).loss;
  const inputs = {
    logProbs: tf.tensor2d(d.logProbs, [B, T]),
    oldLogProbs: tf.tensor2d(d.oldLogProbs, [B, T]),
    advantages: tf.tensor2d(d.advantages, [B, T]),
    mask: tf.tensor2d(d.mask, [B, T]),
  };
  const validate = { validate: false };
  for (const fused of composed ? [true, false] : [true]) {
    setFusedKernelsEnabled(fused);
    const res = policyLoss(inputs, validate);
    check(`policyLoss ppo token-mean, ${fused ? 'fused' : 'composed'}, 1024 x 8192`, n, await read(res.loss), reference);
    tf.dispose(Object.values(res.metrics));
  }
  setFusedKernelsEnabled(true);
  tf.dispose(Object.values(inputs));
  return out;
}

// ---------------------------------------------------------------- report

/** The `ratioToFloor` target of the fused kernels on the CPU backends. */
export const CPU_TARGET = 10;

/**
 * Lines saying whether each fused CPU timing meets {@link CPU_TARGET}. The target is for the
 * full sizes: at `--quick` sizes fixed per-call costs dominate, and the lines say so.
 */
export function targetLines(timings: readonly Timing[], quick: boolean): string[] {
  return timings
    .filter((t) => (t.backend === 'cpu' || t.backend === 'wasm') && t.impl === 'fused' && t.ratioToFloor !== null)
    .map((t) => {
      const ratio = t.ratioToFloor as number;
      const verdict = quick ? 'n/a at --quick sizes' : ratio <= CPU_TARGET ? 'ok' : 'ABOVE';
      return `  ${t.backend.padEnd(5)} ${t.case.padEnd(7)} fused: ${ratio.toFixed(1)}x the copy floor (target <= ${CPU_TARGET}x at full size): ${verdict}`;
    });
}
