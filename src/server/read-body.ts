import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { HttpError } from './http-error.js';

/** The `Content-Encoding` values the server decodes (`identity`: none). */
export const BODY_ENCODINGS = ['identity', 'gzip', 'x-gzip', 'deflate', 'br'] as const;

/** A body encoding the server decodes. */
export type BodyEncoding = (typeof BODY_ENCODINGS)[number];

/**
 * The body encoding of a request from its `Content-Encoding` header (case-insensitive;
 * none means `identity`), or a 415 {@link HttpError} for any other (or a list of
 * several), with an `Accept-Encoding` header saying what is accepted.
 * @internal
 * @example
 * ```ts
 * bodyEncoding(req); //=> 'gzip' for "Content-Encoding: gzip"
 * ```
 */
export function bodyEncoding(req: IncomingMessage): BodyEncoding {
  const header = req.headers['content-encoding'];
  if (header === undefined || header.trim() === '') return 'identity';
  const value = header.trim().toLowerCase();
  if ((BODY_ENCODINGS as readonly string[]).includes(value)) return value as BodyEncoding;
  throw new HttpError(415, `unsupported Content-Encoding ${JSON.stringify(header)} (accepted: gzip, deflate, br, or none)`, undefined, {
    'Accept-Encoding': 'gzip, deflate, br',
  });
}

function decoder(encoding: BodyEncoding): Transform | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Reads a request body as UTF-8 text, rejecting with a 413 {@link HttpError} as soon as
 * it (or its declared `Content-Length`) exceeds `maxBytes`: reading stops there, so an
 * oversize body never sits in memory. Invalid UTF-8 is replaced by U+FFFD here (the
 * server itself refuses it with a 400).
 *
 * @param req - The incoming request.
 * @param maxBytes - The largest body accepted, in bytes.
 * @returns The body text.
 * @example
 * ```ts
 * import { readBody } from 'srl-kit/server';
 * const text = await readBody(req, 8 * 1024 * 1024);
 * ```
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return readBodyBytes(req, maxBytes).then((bytes) => bytes.toString('utf8'));
}

/**
 * {@link readBody}'s bytes, not decoded as text (the server hands them to a worker as they
 * are), after undoing a `Content-Encoding` of `gzip`, `deflate` or `br`: both the bytes
 * received and the decoded bytes are held to `maxBytes` (a small compressed body cannot
 * inflate past it), and a corrupt compressed body is a 400. When `signal` aborts, reading
 * stops and the promise rejects with its reason.
 * @internal
 * @example
 * ```ts
 * const bytes = await readBodyBytes(req, 8 * 1024 * 1024, 'gzip');
 * ```
 */
export function readBodyBytes(req: IncomingMessage, maxBytes: number, encoding: BodyEncoding = 'identity', signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      req.pause();
      reject(signal.reason);
      return;
    }
    const tooLarge = (what: string): HttpError => new HttpError(413, `${what} exceeds ${maxBytes} bytes`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.pause();
      reject(tooLarge('request body'));
      return;
    }
    const inflate = decoder(encoding);
    const chunks: Buffer[] = [];
    let size = 0;
    let received = 0;
    let settled = false;
    const cleanup = (): void => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (inflate !== undefined) {
        inflate.off('data', onDecoded);
        inflate.off('end', onDecodedEnd);
        inflate.off('error', onInflateError);
        inflate.destroy();
      }
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      cleanup();
      req.pause();
      chunks.length = 0;
      reject(error);
    };
    const onDecoded = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        fail(tooLarge(inflate === undefined ? 'request body' : `decoded request body (${encoding})`));
        return;
      }
      chunks.push(chunk);
    };
    const onDecodedEnd = (): void => {
      if (settled) return;
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onInflateError = (err: Error): void => fail(new HttpError(400, `request body is not valid ${encoding} data: ${err.message}`));
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        fail(tooLarge('request body'));
        return;
      }
      if (inflate === undefined) onDecoded(chunk);
      else inflate.write(chunk);
    };
    const onEnd = (): void => {
      if (inflate === undefined) onDecodedEnd();
      else inflate.end();
    };
    const onError = (err: Error): void => fail(new HttpError(400, `error reading the request body: ${err.message}`));
    const onAborted = (): void => fail(new HttpError(400, 'request aborted by the client'));
    const onAbort = (): void => fail(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (inflate !== undefined) {
      inflate.on('data', onDecoded);
      inflate.on('end', onDecodedEnd);
      inflate.on('error', onInflateError);
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
