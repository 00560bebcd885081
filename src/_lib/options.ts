import { closest } from 'fastest-levenshtein';

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
