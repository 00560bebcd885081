import { TrajectoryError } from '../trajectory/trajectory-error.js';

/**
 * A usage or input error of the `srl` command: printed as one line on stderr,
 * without a stack trace, and the process exits with `exitCode`.
 *
 * @example
 * ```ts
 * throw new CliError('missing option -o <output> (see --help)', 2);
 * ```
 */
export class CliError extends Error {
  /** Always `'CliError'`. */
  override readonly name = 'CliError';
  /** The exit code (2 for bad usage, 1 for bad input). */
  readonly exitCode: number;

  /**
   * @param message - One line saying what is wrong.
   * @param exitCode - The exit code (default 1).
   */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * The one line printed for an error: the message of a {@link CliError},
 * `TrajectoryError`, `TypeError`/`RangeError` or file-system error, on one line.
 *
 * @param command - The subcommand (`prompts`, `score`, ...), or `''`.
 * @param error - What was thrown.
 * @returns `srl <command>: <message>`, newlines collapsed.
 * @example
 * ```ts
 * errorLine('score', new CliError('bad\nthing')); //=> 'srl score: bad thing'
 * ```
 */
export function errorLine(command: string, error: unknown): string {
  let message: string;
  if (error instanceof TrajectoryError || error instanceof CliError) message = error.message;
  else if (isFsError(error)) message = fsMessage(error);
  else if (error instanceof Error) message = error.message;
  else message = String(error);
  const prefix = command === '' ? 'srl' : `srl ${command}`;
  return `${prefix}: ${message.replace(/\s*\n\s*/g, ' ')}`;
}

/**
 * The exit code for an error: a {@link CliError}'s own, else 1.
 * @example
 * ```ts
 * exitCodeOf(new CliError('usage', 2)); //=> 2
 * exitCodeOf(new Error('x'));           //=> 1
 * ```
 */
export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : 1;
}

interface FsError extends Error {
  readonly code: string;
  readonly path?: string;
}

function isFsError(error: unknown): error is FsError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'syscall' in error;
}

function fsMessage(error: FsError): string {
  return `${error.path ?? 'file'}: ${fsReason(error)}`;
}

/**
 * What a file-system error says, without its path: `permission denied`, `is a directory`,
 * or Node's own words with the code (`no space left on device (ENOSPC)`).
 * @example
 * ```ts
 * fsReason(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' })); //=> 'permission denied'
 * ```
 */
export function fsReason(error: Error & { readonly code?: string }): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOTDIR':
      return 'no such file or directory (a part of the path is not a folder)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default: {
      // Node's "ENOSPC: no space left on device, write" -> "no space left on device (ENOSPC)".
      const what = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message)?.[1];
      return what === undefined ? (error.code ?? error.message) : `${what} (${error.code ?? 'error'})`;
    }
  }
}
