import { describeType } from './describe.js';

/**
 * Throws a `TypeError` naming the function and argument unless `value` is a string.
 * @internal
 */
export function assertString(value: unknown, fn: string, arg: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`${fn}: argument '${arg}' must be a string, got ${describeType(value)}`);
  }
}

/**
 * Throws a `TypeError` unless `value` is a finite number (not NaN, not ±Infinity).
 * @internal
 */
export function assertFiniteNumber(value: unknown, fn: string, arg: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const got = typeof value === 'number' ? String(value) : describeType(value);
    throw new TypeError(`${fn}: argument '${arg}' must be a finite number, got ${got}`);
  }
}

/**
 * Throws a `RangeError` unless `value` is an integer in `[min, max]`.
 * @internal
 */
export function assertIntegerInRange(
  value: unknown,
  min: number,
  max: number,
  fn: string,
  arg: string,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const got = typeof value === 'number' ? String(value) : describeType(value);
    throw new RangeError(`${fn}: argument '${arg}' must be an integer in [${min}, ${max}], got ${got}`);
  }
}

/**
 * Throws a `TypeError` unless `value` is `undefined` or a plain object (an options bag).
 * @internal
 */
export function assertOptions(value: unknown, fn: string, arg = 'options'): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${fn}: argument '${arg}' must be an object or undefined, got ${describeType(value)}`);
  }
}
