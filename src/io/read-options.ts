import { assertIntegerInRange, assertOptions } from '../_lib/assert.js';
import { assertKnownKeys } from '../_lib/options.js';
import { handleRecordError, type OnError, type SkipReport } from '../trajectory/error-policy.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import type { ReadSource } from './read-source.js';

/** Default cap on one record (a JSONL line, a JSON array element): 64 MiB. @internal */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Options shared by `readJsonl` and `readJsonArray`. */
export interface ReadJsonOptions {
  /** A name for the input in error messages; default the file path, when the source is one. */
  readonly source?: string | undefined;
  /** `'throw'` (default) stops at the first bad record; `'skip'` drops it and counts it in `report`. */
  readonly onError?: OnError | undefined;
  /** Where skipped records are counted (see `createSkipReport`). */
  readonly report?: SkipReport | undefined;
}

/** The checked options of a reader. @internal */
export interface ReaderContext {
  readonly fn: string;
  readonly label: string | undefined;
  readonly onError: OnError;
  readonly report: SkipReport | undefined;
  readonly maxBytes: number;
}

/** Checks a reader's options and fills in defaults. @internal */
export function readerContext(
  fn: string,
  source: ReadSource,
  options: ReadJsonOptions | undefined,
  maxBytesKey: string,
  maxBytesValue: unknown,
): ReaderContext {
  assertOptions(options, fn);
  assertKnownKeys(options, ['source', 'onError', 'report', maxBytesKey], fn);
  const { source: label, onError = 'throw', report } = options ?? {};
  if (onError !== 'throw' && onError !== 'skip') {
    throw new TypeError(`${fn}: option 'onError' must be 'throw' or 'skip', got ${JSON.stringify(onError)}`);
  }
  const maxBytes = maxBytesValue ?? DEFAULT_MAX_RECORD_BYTES;
  assertIntegerInRange(maxBytes, 1, Number.MAX_SAFE_INTEGER, fn, maxBytesKey);
  if (label !== undefined && typeof label !== 'string') {
    throw new TypeError(`${fn}: option 'source' must be a string, got ${typeof label}`);
  }
  return { fn, label: label ?? (typeof source === 'string' ? source : undefined), onError, report, maxBytes };
}

/** A quoted start of a record for error messages (at most 40 characters). @internal */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

/** Where a record is, for its errors. @internal */
export interface RecordPosition {
  readonly line: number;
  readonly path?: string | undefined;
}

/** Marks a record that was skipped. @internal */
export const SKIPPED: unique symbol = Symbol('skipped');

/**
 * `JSON.parse(text)`, or, when it is not JSON, a {@link TrajectoryError} handled by
 * the reader's error policy (thrown, or counted and {@link SKIPPED}).
 * @internal
 */
export function parseRecord(text: string, at: RecordPosition, ctx: ReaderContext): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const error = new TrajectoryError(
      { source: ctx.label, line: at.line, path: at.path, expected: 'a JSON value', found: `${excerpt(text)} (${message})` },
      { cause },
    );
    handleRecordError(error, ctx.onError, ctx.report);
    return SKIPPED;
  }
}

/**
 * Reports a record larger than the reader's cap: thrown, or counted and skipped.
 * @internal
 */
export function overlongRecord(at: RecordPosition, what: string, ctx: ReaderContext): typeof SKIPPED {
  const error = new TrajectoryError({
    source: ctx.label,
    line: at.line,
    path: at.path,
    expected: `${what} of at most ${ctx.maxBytes} bytes`,
    found: `a longer one`,
  });
  handleRecordError(error, ctx.onError, ctx.report);
  return SKIPPED;
}
