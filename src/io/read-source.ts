import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { describeType } from '../_lib/describe.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';

/**
 * What the streaming readers take: a file path (gzip when it ends in `.gz`), a
 * Node readable stream (`process.stdin`, an HTTP response), or any iterable or async
 * iterable of text or byte chunks (an array of strings, a web `ReadableStream`).
 * Chunks may split the input anywhere, even inside a multi-byte character.
 */
export type ReadSource =
  | string
  | NodeJS.ReadableStream
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/** Bytes read from a file per chunk: larger than Node's 64 KiB default, fewer lines cut in two. */
const FILE_CHUNK_BYTES = 256 * 1024;

/**
 * Whether a path names a gzip file (ends in `.gz`, any case).
 * @internal
 */
export function isGzipPath(path: string): boolean {
  return /\.gz$/i.test(path);
}

/**
 * Opens a file for reading as a stream of bytes, gunzipped when the name ends in
 * `.gz`. Closing the iteration early closes the file. `onFileBytes`, when given, is told
 * how many bytes of the file itself (compressed ones for `.gz`) each read brought, for
 * progress against the file's size.
 * @internal
 */
export function openFileStream(path: string, onFileBytes?: (bytes: number) => void): NodeJS.ReadableStream {
  const file = createReadStream(path, { highWaterMark: FILE_CHUNK_BYTES });
  // Attached in this tick, before any data flows.
  if (onFileBytes !== undefined) file.on('data', (chunk: string | Buffer) => onFileBytes(Buffer.byteLength(chunk)));
  if (!isGzipPath(path)) return file;
  // pipeline destroys the file when the gunzip stream is destroyed (early exit) or fails.
  return pipeline(file, createGunzip({ chunkSize: FILE_CHUNK_BYTES }), () => {});
}

/**
 * The bytes of a file, chunk by chunk, gunzipped when the name ends in `.gz`
 * ({@link openFileStream}), with errors that name the file ({@link fileReadError}).
 * Returning early closes the file.
 * @internal
 */
export async function* readFileChunks(path: string, onFileBytes?: (bytes: number) => void): AsyncGenerator<Buffer, void, undefined> {
  const stream = openFileStream(path, onFileBytes);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    throw fileReadError(path, error);
  } finally {
    (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
  }
}

/**
 * An error met reading the file `path`, made to name it: a file-system error without
 * a path gets it (reading a directory says `EISDIR` and no path); a gzip error
 * becomes a {@link TrajectoryError} saying what was wrong with the bytes:
 * `x.jsonl.gz: expected a complete gzip stream, found one that ends early (unexpected end of file)`,
 * or `expected gzip data (the name ends in .gz), found bytes that are not gzip (incorrect header check)`.
 * Anything else is returned as it is.
 * @internal
 */
export function fileReadError(path: string, error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as Error & { code?: unknown; path?: unknown; syscall?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'Z_BUF_ERROR') {
    return new TrajectoryError({ source: path, expected: 'a complete gzip stream', found: `one that ends early (${e.message})` }, { cause: error });
  }
  if (code.startsWith('Z_')) {
    const found = /header/i.test(e.message) ? `bytes that are not gzip (${e.message})` : `corrupt gzip data (${e.message})`;
    return new TrajectoryError({ source: path, expected: 'gzip data (the name ends in .gz)', found }, { cause: error });
  }
  if (typeof e.syscall === 'string' && e.path === undefined) e.path = path;
  return error;
}

/**
 * The chunks of a {@link ReadSource} as Buffers (strings are UTF-8 encoded; byte
 * views are wrapped, not copied).
 * @internal
 */
export async function* byteChunks(source: ReadSource, fn: string): AsyncGenerator<Buffer, void, undefined> {
  const iterable = typeof source === 'string' ? readFileChunks(source) : source;
  if (iterable === null || typeof iterable !== 'object' || !(Symbol.asyncIterator in iterable || Symbol.iterator in iterable)) {
    throw new TypeError(
      `${fn}: argument 'source' must be a file path, a readable stream or an async iterable of chunks, got ${describeType(source)}`,
    );
  }
  // A string chunk may end inside a surrogate pair: its high half waits for the next chunk.
  let carry = '';
  for await (const chunk of iterable as AsyncIterable<unknown> | Iterable<unknown>) {
    if (typeof chunk === 'string') {
      let text = carry + chunk;
      carry = '';
      if (isHighSurrogate(text.charCodeAt(text.length - 1))) {
        carry = text.slice(-1);
        text = text.slice(0, -1);
      }
      yield Buffer.from(text, 'utf8');
      continue;
    }
    if (carry !== '') yield Buffer.from(carry, 'utf8');
    carry = '';
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw new TypeError(`${fn}: the source yielded a chunk that is neither a string nor bytes: ${describeType(chunk)}`);
  }
  if (carry !== '') yield Buffer.from(carry, 'utf8');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
