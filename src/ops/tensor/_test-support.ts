/**
 * Shared by the tensor ops' tests (not part of the public API): the float64 fixtures of
 * `scripts/gen_ops_fixtures.py`, the backends and kernel paths to run them on, and the
 * comparisons against the fixtures and against finite differences.
 * @internal
 * @module
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../backends/index.js';
import type { KlEstimator, KlOptions, PolicyLossMetrics, PolicyLossOptions } from '../types.js';
import { setSimdEnabled } from './_kernels/host-kernels.js';
import { setFusedKernelsEnabled } from './_kernels/registry.js';
import { entropyFromLogits } from './entropy-from-logits.js';
import { klPenalty } from './kl-penalty.js';
import { policyLoss } from './policy-loss.js';
import { tokenLogProbs } from './token-log-probs.js';
import { canReadSync } from './_validate.js';

// ------------------------------------------------------------------ fixtures

/** A case of `test/fixtures/ops/policy-loss.json`. */
export interface PolicyLossCase {
  readonly id: string;
  readonly options: PolicyLossOptions;
  readonly shape: [number, number];
  readonly logProbs: number[];
  readonly oldLogProbs: number[];
  readonly advantages: number[];
  readonly advantagesShape: number[];
  readonly mask: number[];
  readonly expected: { loss: number; perToken: number[]; metrics: PolicyLossMetrics; gradLogProbs: number[] };
}

/** A case of `test/fixtures/ops/logits.json`. */
export interface LogitsCase {
  readonly id: string;
  readonly kind: string;
  readonly shape: [number, number];
  readonly logits: number[];
  readonly ids: number[];
  readonly expected: { logProbs: number[]; entropy: number[]; gradLogProbs: number[]; gradEntropy: number[] };
}

/** A case of `test/fixtures/ops/kl.json`. */
export interface KlCase {
  readonly id: string;
  readonly estimator: KlEstimator;
  readonly options: KlOptions;
  readonly logProbs: number[];
  readonly refLogProbs: number[];
  readonly expected: { values: number[]; gradLogProbs: number[] };
}

/** Reads the cases of `test/fixtures/ops/<name>.json`. */
export function fixtureCases<T>(name: 'policy-loss' | 'logits' | 'kl'): T[] {
  const url = new URL(`../../../test/fixtures/ops/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: T[] }).cases;
}

// ------------------------------------------------------------------ backends

/** A backend and kernel path the tests run on. */
export interface Variant {
  readonly name: string;
  readonly backend: 'cpu' | 'wasm' | 'webgpu';
  readonly fused: boolean;
  /** The WebAssembly SIMD logits kernels (default true); false: the JavaScript ones. */
  readonly simd?: boolean;
}

/** cpu and wasm: fused kernels (SIMD and JavaScript logits kernels) and composed ops. */
export const HOST_VARIANTS: readonly Variant[] = [
  { name: 'cpu fused', backend: 'cpu', fused: true },
  { name: 'cpu fused, JavaScript logits kernels', backend: 'cpu', fused: true, simd: false },
  { name: 'cpu composed', backend: 'cpu', fused: false },
  { name: 'wasm fused', backend: 'wasm', fused: true },
  { name: 'wasm fused, JavaScript logits kernels', backend: 'wasm', fused: true, simd: false },
  { name: 'wasm composed', backend: 'wasm', fused: false },
];

/** Makes `variant` the active backend and kernel path. */
export async function activate(variant: Variant): Promise<void> {
  if (variant.backend === 'webgpu') {
    if (tf.getBackend() !== 'webgpu') throw new Error('set up webgpu first (useBackend)');
  } else if (tf.findBackend(variant.backend) == null) {
    await useBackend(variant.backend);
  } else {
    await tf.setBackend(variant.backend);
    await tf.ready();
  }
  setFusedKernelsEnabled(variant.fused);
  setSimdEnabled(variant.simd ?? true);
}

/**
 * `{ validate: false }` where the active backend cannot read synchronously (tfjs's webgpu in
 * Node), so that the value check, on by default, does not refuse to run; else `{}`.
 */
export function noSync(): { validate?: false } {
  return canReadSync() ? {} : { validate: false };
}

// ------------------------------------------------------------------ comparisons

/** Tolerances: |a - e| <= atol * scale + rtol * |e|, scale = max(1, max |expected|). */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** The first element out of tolerance, described; null when all are within. */
export function mismatch(label: string, actual: ArrayLike<number>, expected: readonly number[], tol: Tolerance): string | null {
  if (actual.length !== expected.length) return `${label}: length ${actual.length}, expected ${expected.length}`;
  let scale = 1;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= tol.atol * scale + tol.rtol * Math.abs(e))) {
      return `${label}[${i}]: got ${a}, expected ${e} (diff ${Math.abs(a - e)}, scale ${scale})`;
    }
  }
  return null;
}

/** The tensors of a policy-loss case on the active backend. */
export function policyTensors(c: PolicyLossCase): { logProbs: tf.Tensor2D; oldLogProbs: tf.Tensor2D; advantages: tf.Tensor; mask: tf.Tensor2D } {
  return {
    logProbs: tf.tensor2d(c.logProbs, c.shape),
    oldLogProbs: tf.tensor2d(c.oldLogProbs, c.shape),
    advantages: tf.tensor(c.advantages, c.advantagesShape),
    mask: tf.tensor2d(c.mask, c.shape),
  };
}

/** Reads tensors back (asynchronously: Node's WebGPU has no synchronous read), then disposes them. */
export async function readAll(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  try {
    return (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(tensors as tf.Tensor[]);
  }
}

/** Loss, metrics (numbers) and gradient w.r.t. logProbs of a policy-loss case. */
export async function runPolicyLoss(c: PolicyLossCase, logProbs?: Float32Array): Promise<{ loss: number; metrics: number[]; grad: Float32Array }> {
  const tensors = tf.tidy(() => {
    const t = policyTensors(c);
    const lp = logProbs ? tf.tensor2d(logProbs, c.shape) : t.logProbs;
    const options = { ...c.options, ...noSync() };
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => policyLoss({ ...t, logProbs: x }, options).loss)([lp]);
    const m = policyLoss({ ...t, logProbs: lp }, options).metrics;
    return [value, grads[0] as tf.Tensor, tf.stack([m.clipFraction, m.clipFractionLower, m.approxKl, m.tokens])];
  });
  const [loss, grad, metrics] = await readAll(tensors);
  return { loss: (loss as Float32Array)[0] as number, metrics: Array.from(metrics as Float32Array), grad: grad as Float32Array };
}

/** Problems of one policy-loss case against its fixture. */
export async function checkPolicyCase(c: PolicyLossCase, tol: Tolerance): Promise<string[]> {
  const out = await runPolicyLoss(c);
  const e = c.expected;
  const m = e.metrics;
  return [
    mismatch('loss', [out.loss], [e.loss], tol),
    mismatch('metrics', out.metrics, [m.clipFraction, m.clipFractionLower, m.approxKl, m.tokens], tol),
    mismatch('grad', out.grad, e.gradLogProbs, tol),
  ].filter((x): x is string => x !== null);
}

/** Problems of one logits case (tokenLogProbs and entropyFromLogits, values and gradients). */
export async function checkLogitsCase(c: LogitsCase, tol: Tolerance): Promise<string[]> {
  const tensors = tf.tidy(() => {
    const z = tf.tensor2d(c.logits, c.shape);
    const ids = tf.tensor1d(c.ids, 'int32');
    const o = noSync();
    const lp = tf.grad((x: tf.Tensor) => tf.sum(tokenLogProbs(x, ids, o)))(z);
    const h = tf.grad((x: tf.Tensor) => tf.sum(entropyFromLogits(x, o)))(z);
    return [tokenLogProbs(z, ids, o), lp, entropyFromLogits(z, o), h];
  });
  const [values, gradLp, entropy, gradH] = await readAll(tensors);
  const e = c.expected;
  return [
    mismatch('logProbs', values as Float32Array, e.logProbs, tol),
    mismatch('grad logProbs', gradLp as Float32Array, e.gradLogProbs, tol),
    mismatch('entropy', entropy as Float32Array, e.entropy, tol),
    mismatch('grad entropy', gradH as Float32Array, e.gradEntropy, tol),
  ].filter((x): x is string => x !== null);
}

/** Problems of one KL case. */
export async function checkKlCase(c: KlCase, tol: Tolerance): Promise<string[]> {
  const tensors = tf.tidy(() => {
    const lp = tf.tensor1d(c.logProbs);
    const ref = tf.tensor1d(c.refLogProbs);
    const o = { ...c.options, ...noSync() };
    return [klPenalty(lp, ref, c.estimator, o), tf.grad((x: tf.Tensor) => tf.sum(klPenalty(x, ref, c.estimator, o)))(lp)];
  });
  const [values, g] = await readAll(tensors);
  return [mismatch('values', values as Float32Array, c.expected.values, tol), mismatch('grad', g as Float32Array, c.expected.gradLogProbs, tol)].filter(
    (x): x is string => x !== null,
  );
}

/** Runs `check` on every case, in order, and lists the problems as `id: problem`. */
export async function checkAll<C extends { id: string }>(cases: readonly C[], check: (c: C) => Promise<string[]>): Promise<string[]> {
  const failures: string[] = [];
  for (const c of cases) for (const p of await check(c)) failures.push(`${c.id}: ${p}`);
  return failures;
}

// ------------------------------------------------------------------ finite differences

/** A deterministic PRNG (mulberry32) for perturbation directions. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Directional finite difference of `f` at `x` along a random direction of step `h` (the
 * float32-rounded points are used, so the step is exact), against `<grad, step>`. Returns
 * `[fd, analytic]` for `f(x + s) - f(x - s)` and `<grad, 2 s>`.
 */
export async function directionalCheck(
  x: readonly number[],
  grad: ArrayLike<number>,
  f: (point: Float32Array) => number | Promise<number>,
  h: number,
  seed: number,
): Promise<[number, number]> {
  const next = rng(seed);
  const plus = new Float32Array(x.length);
  const minus = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const d = (next() < 0.5 ? -1 : 1) * h * (0.5 + next());
    plus[i] = (x[i] as number) + d;
    minus[i] = (x[i] as number) - d;
  }
  let analytic = 0;
  for (let i = 0; i < x.length; i++) analytic += (grad[i] as number) * ((plus[i] as number) - (minus[i] as number));
  return [(await f(plus)) - (await f(minus)), analytic];
}
