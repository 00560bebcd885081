import { closest } from 'fastest-levenshtein';
import { describeType } from './describe.js';

/**
 * The valid name nearest to `key` by edit distance (Levenshtein), for "did you mean"
 * messages; the first of `allowed` on a tie.
 * @internal
 */
export function nearestName(key: string, allowed: readonly string[]): string {
  return closest(key, allowed as string[]);
}

/**
 * Throws a `TypeError` when the options bag `options` has a key that is not in `allowed`,
 * naming the function, the argument (a JSON-path-like name such as `options.parse`), the
 * unknown key and the nearest valid one:
 * `groupAdvantages: unknown option 'estimater' in 'options' (did you mean 'estimator'?); valid options: ...`.
 * A misspelled option is never ignored: it would silently run with the default.
 * `undefined` and non-objects pass (check those with `assertOptions`). Inherited keys are
 * not looked at; a key set to `undefined` is still checked.
 * @internal
 */
export function assertKnownKeys(options: unknown, allowed: readonly string[], fn: string, arg = 'options'): void {
  if (options === undefined || options === null || typeof options !== 'object') return;
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const hint = allowed.length > 0 ? ` (did you mean '${nearestName(key, allowed)}'?); valid options: ${allowed.join(', ')}` : '; it takes no options';
    throw new TypeError(`${fn}: unknown option '${key}' in '${arg}'${hint}`);
  }
}

/**
 * An integer option in `[min, max]`, or `undefined` when not given: a wrong type is a
 * `TypeError`, a value that is not an integer or is out of range a `RangeError`, both
 * naming the function and the option.
 * @internal
 */
export function intOption(value: unknown, fn: string, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${fn}: option '${name}' must be an integer, got ${describeType(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${fn}: option '${name}' must be an integer ${range}, got ${String(value)}`);
  }
  return value;
}

/**
 * The option names of an options interface `T`, checked by the compiler: the object must
 * list every key of `T` and nothing else, so the list cannot drift from the type.
 * @internal
 */
export function optionKeys<T>(keys: { readonly [K in keyof T]-?: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}
