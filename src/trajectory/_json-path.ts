import { foundValue, TrajectoryError } from './trajectory-error.js';

/**
 * Where an input came from, for {@link TrajectoryError}s: the `source` option and,
 * for line-based formats, the 1-based line.
 * @internal
 */
export interface Where {
  readonly source?: string | undefined;
  readonly line?: number | undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `base.key`, or `base["key"]` when the key is not an identifier.
 * @internal
 */
export function pathKey(base: string, key: string): string {
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/**
 * `base[index]`.
 * @internal
 */
export function pathIndex(base: string, index: number): string {
  return `${base}[${index}]`;
}

/**
 * Describes a found value: `foundValue`, except that a missing value (undefined)
 * reads "nothing".
 * @internal
 */
export function describeFound(value: unknown): string {
  return value === undefined ? 'nothing' : foundValue(value);
}

/**
 * Throws a {@link TrajectoryError} at `path`, describing `value` with
 * {@link describeFound} (or using `found` as is when it is given).
 * @internal
 */
export function fail(where: Where, path: string, expected: string, value: unknown, found?: string): never {
  throw new TrajectoryError({
    source: where.source,
    line: where.line,
    path,
    expected,
    found: found ?? describeFound(value),
  });
}

/**
 * True for a plain object (not null, not an array).
 * @internal
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `value` as an object, or a {@link TrajectoryError} at `path`.
 * @internal
 */
export function readRecord(value: unknown, where: Where, path: string, expected = 'an object'): Record<string, unknown> {
  if (!isRecord(value)) fail(where, path, expected, value);
  return value;
}

/**
 * `value` as an array, or a {@link TrajectoryError} at `path`.
 * @internal
 */
export function readArray(value: unknown, where: Where, path: string, expected = 'an array'): readonly unknown[] {
  if (!Array.isArray(value)) fail(where, path, expected, value);
  return value;
}

/**
 * `obj[key]` as a string, or a {@link TrajectoryError} at `path.key`.
 * @internal
 */
export function readString(obj: Record<string, unknown>, key: string, where: Where, path: string, expected = 'a string'): string {
  const value = obj[key];
  if (typeof value !== 'string') fail(where, pathKey(path, key), expected, value);
  return value;
}

/**
 * `obj[key]` as a string, `undefined` when it is absent or null, or a
 * {@link TrajectoryError} at `path.key` for any other value.
 * @internal
 */
export function readOptionalString(
  obj: Record<string, unknown>,
  key: string,
  where: Where,
  path: string,
  expected = 'a string or null',
): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(where, pathKey(path, key), expected, value);
  return value;
}

/**
 * How error messages list a format's roles: `"user" or "assistant"`,
 * `"system", "user", "assistant" or "tool"`.
 * @internal
 */
export function listRoles(roles: readonly string[]): string {
  const quoted = roles.map((r) => JSON.stringify(r));
  return quoted.length < 2 ? (quoted[0] ?? 'none') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/**
 * `msg.role`, which must be one of the roles the format defines (`roles`; `format`
 * names the format in the message, `note` adds to it): a {@link TrajectoryError} at
 * `path.role` otherwise (`expected a role of OpenAI chat messages ("system", ... or "function")`).
 * @internal
 */
export function readRole(
  msg: Record<string, unknown>,
  where: Where,
  path: string,
  roles: readonly string[],
  format: string,
  note?: string,
): string {
  const role = readString(msg, 'role', where, path, 'a role string');
  if (!roles.includes(role)) {
    fail(where, pathKey(path, 'role'), `a role of ${format} (${listRoles(roles)})${note === undefined ? '' : `; ${note}`}`, role);
  }
  return role;
}
