/**
 * The value checks of the tensor ops (option `validate`, on by default): NaN and ±Infinity in
 * inputs, non-finite results of an overflow, mask values other than 0/1 and token ids that are
 * not integers in [0, V), each reported as a RangeError naming the function, the argument and
 * the first bad position, as the plain-array ops do.
 *
 * How a check reads the values depends on the backend. cpu and wasm keep tensors in host
 * memory: a check is one JavaScript pass over the backend's own memory (no copy, no tfjs op).
 * On other backends (webgpu, webgl) a check is one fused reduction on the device and one
 * synchronous read of its few counts; only when a count is not 0 are the tensors read back to
 * find and name the first bad position (the error path). On webgpu the default is off: a
 * synchronous read stalls the GPU queue on every call, tfjs cannot do it at all without
 * `OffscreenCanvas` (Node), and it fails on some browser adapters; there the kernels poison
 * instead (a bad value makes the loss and the whole gradient NaN, never a plausible number),
 * and an explicit `validate: true` is honoured where a synchronous read exists, refused with a
 * TypeError where it does not.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeType } from '../../_lib/describe.js';
import { hostView } from './_kernels/host-kernels.js';
import { onHostBackend } from './_check.js';

let hostChecks = true;

/**
 * Makes cpu and wasm check as other backends do (a reduction, then a read) instead of reading
 * their memory directly, or back. For tests of that path on machines without a GPU (the fused
 * cpu and wasm kernels still check while they compute). Returns the previous setting.
 * @internal
 */
export function setHostChecks(on: boolean): boolean {
  const previous = hostChecks;
  hostChecks = on;
  return previous;
}

/**
 * `t`'s values in host memory without a copy (cpu, wasm; a wasm view is valid until the next
 * allocation), or null on other backends (and when host checks are off).
 * @internal
 */
export function hostValues(t: tf.Tensor): ArrayLike<number> | null {
  if (!hostChecks) return null;
  return hostView(t);
}

/** Whether tensors on the active backend can be read synchronously (`dataSync`). @internal */
export function canReadSync(): boolean {
  if (onHostBackend() || tf.getBackend() !== 'webgpu') return true;
  return typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined';
}

/**
 * Reads the `validate` option: default true, except on webgpu (false: the kernels poison the
 * loss and gradient with NaN instead of a synchronous read per call). A TypeError when it is
 * not a boolean, or when it is explicitly on and the backend cannot read synchronously
 * (tfjs's webgpu backend in Node), naming the way out.
 * @internal
 */
export function resolveValidate(value: unknown, fn: string): boolean {
  if (value === undefined) return onHostBackend() || tf.getBackend() !== 'webgpu';
  if (typeof value !== 'boolean') throw new TypeError(`${fn}: option 'validate' must be a boolean, got ${describeType(value)}`);
  if (value && !canReadSync()) {
    throw new TypeError(
      `${fn}: option 'validate: true' checks the values with one synchronous read, which tfjs's ${tf.getBackend()} backend cannot do here (no OffscreenCanvas, as in Node); ` +
        'leave it out: on webgpu a bad value then makes the loss and the whole gradient NaN, never a plausible number (see docs/losses.md)',
    );
  }
  return value;
}

/**
 * Names flat index `k` of a tensor of shape `shape`: `x[1, 2] (flat index 7)` (rank >= 2),
 * `x[3]` (rank 1), `x` (a scalar).
 * @internal
 */
export function positionText(name: string, shape: readonly number[], k: number): string {
  if (shape.length === 0) return name;
  if (shape.length === 1) return `${name}[${k}]`;
  const index: number[] = [];
  let rest = k;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    index.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return `${name}[${index.join(', ')}] (flat index ${k})`;
}

/** The first index of `values` that is NaN or ±Infinity, or -1. @internal */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let k = 0; k < values.length; k++) {
    const v = values[k] as number;
    if (v - v !== 0) return k;
  }
  return -1;
}

/** 1 where `x` is NaN or ±Infinity, as float32. @internal */
export function nonFiniteFlags(x: tf.Tensor): tf.Tensor {
  return tf.cast(tf.logicalNot(tf.isFinite(x)), 'float32');
}

/**
 * Runs `counts` (scalars of non-negative counts, built on the device) and reads them back in
 * one synchronous read. @internal
 */
export function readCounts(counts: () => tf.Tensor[]): number[] {
  const packed = tf.tidy(() => tf.stack(counts().map((c) => tf.reshape(tf.cast(c, 'float32'), []))));
  try {
    return Array.from(packed.dataSync());
  } finally {
    packed.dispose();
  }
}

/** `t`'s values: a host view where there is one, else a (synchronous) read. @internal */
export function valuesOf(t: tf.Tensor): ArrayLike<number> {
  return hostValues(t) ?? (t.dataSync() as ArrayLike<number>);
}

/** The RangeError for a non-finite input value where every value must be finite. @internal */
export function nonFiniteInput(fn: string, name: string, shape: readonly number[], k: number, v: number, rule: string): RangeError {
  return new RangeError(`${fn}: ${positionText(name, shape, k)} is ${String(v)}; ${rule}`);
}

/**
 * Throws for the first non-finite value of each named tensor, in order (`rule` says what was
 * expected). Host backends scan their memory; others run one reduction and read it, and read
 * the tensors only when a count is not 0.
 * @internal
 */
export function assertAllFinite(fn: string, tensors: ReadonlyArray<readonly [string, tf.Tensor]>, rule: string): void {
  const views = tensors.map(([, t]) => hostValues(t));
  if (views.every((v) => v !== null)) {
    tensors.forEach(([name, t], i) => {
      const values = views[i] as ArrayLike<number>;
      const k = firstNonFinite(values);
      if (k >= 0) throw nonFiniteInput(fn, name, t.shape, k, values[k] as number, rule);
    });
    return;
  }
  const counts = readCounts(() => tensors.map(([, t]) => tf.sum(nonFiniteFlags(t))));
  tensors.forEach(([name, t], i) => {
    if (counts[i] === 0) return;
    const values = t.dataSync() as ArrayLike<number>;
    const k = firstNonFinite(values);
    if (k >= 0) throw nonFiniteInput(fn, name, t.shape, k, values[k] as number, rule);
  });
}
