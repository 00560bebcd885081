/**
 * An error that becomes a JSON error response: `{ "error": { "status", "message", "path"? } }`.
 *
 * @example
 * ```ts
 * import { HttpError } from 'srl-kit/server';
 * throw new HttpError(400, 'expected a string', '$.labels[3]');
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status code of the response. */
  readonly status: number;
  /** The JSON path of the offending value (`$.labels[3]`), when there is one. */
  readonly path: string | undefined;
  /** Extra response headers (for example `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;
  /** What went wrong, without the path (the `message` of the JSON error body). */
  readonly detail: string;

  /**
   * Creates an error answered with `status` and a JSON body `{ error: { status, message, path? } }`.
   * @param status - The HTTP status.
   * @param message - What went wrong.
   * @param path - The JSON path of the offending value, if any.
   * @param headers - Extra response headers.
   */
  constructor(status: number, message: string, path?: string, headers: Readonly<Record<string, string>> = {}) {
    super(path === undefined ? message : `${path}: ${message}`);
    this.name = 'HttpError';
    this.status = status;
    this.path = path;
    this.headers = headers;
    this.detail = message;
  }
}
