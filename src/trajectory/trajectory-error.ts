import { assertKnownKeys } from '../_lib/options.js';

/** Where a {@link TrajectoryError} happened and what went wrong. */
export interface TrajectoryErrorDetails {
  /** A file name or label of the input (the `source` option of the parsers). */
  readonly source?: string | undefined;
  /** 1-based line number in the input, for line-based formats and JSONL. */
  readonly line?: number | undefined;
  /** JSON path of the offending value, e.g. `$.trajectory[3].action`. */
  readonly path?: string | undefined;
  /** What was expected there. */
  readonly expected: string;
  /** What was found instead (a short description, not the whole value). */
  readonly found: string;
}

const DETAIL_KEYS = ['source', 'line', 'path', 'expected', 'found'] as const satisfies readonly (keyof TrajectoryErrorDetails)[];

function describePosition(d: TrajectoryErrorDetails): string {
  const where = [d.source, d.line !== undefined ? `line ${d.line}` : undefined, d.path].filter((x) => x !== undefined);
  return where.length > 0 ? `${where.join(', ')}: ` : '';
}

/**
 * The one error class of the trajectory, prompt and io modules: bad input, with
 * the position (file, line, JSON path), what was expected and what was found.
 *
 * @example
 * ```ts
 * import { TrajectoryError } from 'srl-kit';
 * try {
 *   parseNumberedSolution('no steps here', { strict: true });
 * } catch (e) {
 *   if (e instanceof TrajectoryError) console.log(e.expected, e.found);
 * }
 * ```
 */
export class TrajectoryError extends Error {
  /** Always `'TrajectoryError'`. */
  override readonly name = 'TrajectoryError';
  /** A file name or label of the input. */
  readonly source: string | undefined;
  /** 1-based line number, when known. */
  readonly line: number | undefined;
  /** JSON path, when known. */
  readonly path: string | undefined;
  /** What was expected. */
  readonly expected: string;
  /** What was found. */
  readonly found: string;

  /**
   * Creates the error; the message is built from the details.
   * @param details - Where it happened, what was expected and what was found; the
   *   message is built from them.
   * @param options - `cause`: the underlying error, if any.
   * @throws TypeError when `details` or `options` has a key they do not define (a
   *   misspelled `pth` would otherwise lose the position silently).
   */
  constructor(details: TrajectoryErrorDetails, options?: { cause?: unknown }) {
    assertKnownKeys(details, DETAIL_KEYS, 'TrajectoryError', 'details');
    assertKnownKeys(options, ['cause'], 'TrajectoryError', 'options');
    super(`${describePosition(details)}expected ${details.expected}, found ${details.found}`, options);
    this.source = details.source;
    this.line = details.line;
    this.path = details.path;
    this.expected = details.expected;
    this.found = details.found;
  }
}

/**
 * A short description of a value for error messages: its type, and for strings a
 * truncated quote.
 * @internal
 */
export function foundValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') {
    if (value.length === 0) return 'an empty string';
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
