import { describeType } from '../../_lib/describe.js';
import type { MaskArray, NumberArray, ResolvedPolicyLossOptions } from '../types.js';

/** Whether `value` is one of the array types the plain-array ops read. @internal */
function isNumericArray(value: unknown): value is NumberArray | MaskArray {
  return (
    Array.isArray(value) ||
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    value instanceof Uint8Array ||
    value instanceof Int8Array ||
    value instanceof Int32Array ||
    value instanceof Uint32Array
  );
}

/** Throws a TypeError naming the argument unless `value` is a Float32Array, Float64Array or array. @internal */
export function assertNumberArray(value: unknown, fn: string, arg: string): asserts value is NumberArray {
  if (!(Array.isArray(value) || value instanceof Float64Array || value instanceof Float32Array)) {
    throw new TypeError(`${fn}: argument '${arg}' must be a Float32Array, Float64Array or number[], got ${describeType(value)}`);
  }
}

/** `[3, 4]` as text. @internal */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Names a flat index of a `[rows, cols]` array: `x[1, 2] (flat index 6)`. @internal */
export function at(arg: string, k: number, cols: number): string {
  if (cols <= 0) return `${arg}[${k}]`;
  return `${arg}[${Math.floor(k / cols)}, ${k % cols}] (flat index ${k})`;
}

/**
 * Checks a 2-D shape `[rows, cols]` of non-negative safe integers (`cols >= minCols`).
 * @internal
 */
export function checkShape2(
  shape: unknown,
  fn: string,
  names: readonly [string, string],
  minCols = 0,
  arg = 'shape',
): readonly [number, number] {
  const ok =
    Array.isArray(shape) &&
    shape.length === 2 &&
    shape.every((d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
  if (!ok) {
    const got = Array.isArray(shape) ? JSON.stringify(shape) : describeType(shape);
    throw new TypeError(
      `${fn}: argument '${arg}' must be [${names[0]}, ${names[1]}], two non-negative integers, got ${got}`,
    );
  }
  const dims = shape as [number, number];
  if (dims[1] < minCols) {
    throw new RangeError(`${fn}: argument '${arg}' ${shapeText(dims)} needs ${names[1]} >= ${minCols}`);
  }
  return dims;
}

/**
 * Checks that `value` is a numeric array with `expected` elements; the message names the
 * argument, its shape and the shape it should have. @internal
 */
export function checkArray(
  value: unknown,
  expected: number,
  fn: string,
  arg: string,
  expectedShape: string,
): asserts value is NumberArray {
  assertNumberArray(value, fn, arg);
  if (value.length !== expected) {
    throw new RangeError(
      `${fn}: argument '${arg}' has shape [${value.length}] (flat), but ${expectedShape} needs ${expected} elements`,
    );
  }
}

/** Checks a 0/1 mask of `rows * cols` elements and returns it as a `Uint8Array`. @internal */
export function readMask(
  value: unknown,
  rows: number,
  cols: number,
  fn: string,
  arg: string,
  expectedShape: string,
): Uint8Array {
  if (!isNumericArray(value)) {
    throw new TypeError(`${fn}: argument '${arg}' must be a numeric array of 0 and 1, got ${describeType(value)}`);
  }
  const n = rows * cols;
  if (value.length !== n) {
    throw new RangeError(`${fn}: argument '${arg}' has shape [${value.length}] (flat), but ${expectedShape} needs ${n} elements`);
  }
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const v = value[k];
    if (v === 1) out[k] = 1;
    else if (v !== 0) {
      throw new RangeError(`${fn}: ${at(arg, k, cols)} is ${String(v)}, expected 0 or 1`);
    }
  }
  return out;
}

/** Throws the RangeError for a NaN / ±Infinity value that would reach a result. @internal */
export function nonFinite(fn: string, where: string, v: unknown, hint = 'values at valid (mask 1) positions must be finite'): never {
  const got = typeof v === 'number' ? String(v) : `a ${describeType(v)} (${JSON.stringify(v)})`;
  throw new RangeError(`${fn}: ${where} is ${got}; ${hint}`);
}

/**
 * What to do about a policy loss that overflowed: the clamp that bounds the ratio of `loss`
 * (when it is on, the inputs themselves are too large). @internal
 */
export function policyOverflowHint(o: ResolvedPolicyLossOptions): string {
  if (o.loss === 'gspo' && o.sequenceLogRatioMax === null) return 'set sequenceLogRatioMax (verl: 10) or check the log-probs';
  if ((o.loss === 'ppo' || o.loss === 'cispo' || o.loss === 'sapo') && o.logRatioClamp === null) {
    return 'set logRatioClamp (verl: 20) or check the log-probs';
  }
  return 'check the scale of the log-probs and advantages';
}

/** Checks a finite number option, `> 0` or `>= 0`. @internal */
export function checkPositive(value: unknown, fn: string, name: string, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    const got = typeof value === 'number' ? String(value) : describeType(value);
    throw new RangeError(`${fn}: option '${name}' must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${got}`);
  }
  return value;
}
