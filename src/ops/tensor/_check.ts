/**
 * Argument checks of the tensor ops: every message names the function, the argument and
 * the shapes involved.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeType } from '../../_lib/describe.js';

/** `[3, 4]` as text. @internal */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws a TypeError unless `value` is a tfjs Tensor (of this tfjs-core). @internal */
export function assertTensor(value: unknown, fn: string, arg: string): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    const hint =
      value !== null && typeof value === 'object' && 'dataId' in value && 'shape' in value
        ? ' (a Tensor from another copy of @tensorflow/tfjs-core? srl-kit must share yours)'
        : '';
    throw new TypeError(`${fn}: argument '${arg}' must be a tf.Tensor, got ${describeType(value)}${hint}`);
  }
  if (value.isDisposed) throw new TypeError(`${fn}: argument '${arg}' is a disposed tensor`);
}

/** Throws a TypeError unless `t` is float32. @internal */
export function assertFloat(t: tf.Tensor, fn: string, arg: string): void {
  if (t.dtype !== 'float32') {
    throw new TypeError(`${fn}: argument '${arg}' must be float32, got ${t.dtype} with shape ${shapeText(t.shape)}`);
  }
}

/** Throws a RangeError unless `t` has shape `expected`. @internal */
export function assertShape(t: tf.Tensor, expected: readonly number[], fn: string, arg: string, what: string): void {
  const ok = t.shape.length === expected.length && t.shape.every((d, i) => d === expected[i]);
  if (!ok) {
    throw new RangeError(`${fn}: argument '${arg}' has shape ${shapeText(t.shape)}, but ${what} needs ${shapeText(expected)}`);
  }
}

/** A mask as float32 0/1 (casting int32 and bool masks). @internal */
export function maskToFloat(mask: tf.Tensor, fn: string, arg = 'mask'): tf.Tensor {
  if (mask.dtype === 'float32') return mask;
  if (mask.dtype === 'int32' || mask.dtype === 'bool') return tf.cast(mask, 'float32');
  throw new TypeError(`${fn}: argument '${arg}' must be float32, int32 or bool, got ${mask.dtype}`);
}

/** Whether the active backend keeps tensors in host memory (cpu, wasm): reading them back costs no GPU sync. @internal */
export function onHostBackend(): boolean {
  const name = tf.getBackend();
  return name === 'cpu' || name === 'wasm';
}

/**
 * Whether a gradient tape is recording (inside `tf.grad`, `tf.variableGrads`,
 * `optimizer.minimize`): only then do the fused kernels also write the gradient.
 * @internal
 */
export function tapeIsRecording(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state;
  // Unknown engine internals: assume a tape, so gradients are never missing.
  return typeof state?.gradientDepth === 'number' ? state.gradientDepth > 0 : true;
}
