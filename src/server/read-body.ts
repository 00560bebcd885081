import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/**
 * Reads a request body as UTF-8 text, rejecting with a 413 {@link HttpError} as soon as
 * it (or its declared `Content-Length`) exceeds `maxBytes`: reading stops there, so an
 * oversize body never sits in memory.
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
 * {@link readBody}'s bytes, not decoded (the server hands them to a worker as they are).
 * @internal
 * @example
 * ```ts
 * const bytes = await readBodyBytes(req, 8 * 1024 * 1024);
 * ```
 */
export function readBodyBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): HttpError => new HttpError(413, `request body exceeds ${maxBytes} bytes`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.pause();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new HttpError(400, `error reading the request body: ${err.message}`));
    };
    const onAborted = (): void => {
      cleanup();
      reject(new HttpError(400, 'request aborted by the client'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
