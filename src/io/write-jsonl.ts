import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import { isGzipPath } from './read-source.js';
import { fileSink, streamSink, writeChunk, type Sink } from './sink.js';

const FN = 'writeJsonl';

/**
 * Rows are encoded straight into buffers of this size, each written as one chunk:
 * fewer, larger writes, and no string concatenation.
 * @internal
 */
export const JSONL_CHUNK_BYTES = 1024 * 1024;

/** A file's stream may hold this much before asking to wait: writing overlaps making the next chunks. */
const FILE_BUFFER_BYTES = 16 * JSONL_CHUNK_BYTES;

/** Options of {@link writeJsonl}. */
export interface WriteJsonlOptions {
  /** Gzip the output. Default: when the destination path ends in `.gz` (never for a stream). */
  readonly gzip?: boolean | undefined;
  /**
   * End the destination stream when done (default `false`: a stream you pass, like
   * `process.stdout`, stays open). Ignored for a path: the file is always closed.
   */
  readonly end?: boolean | undefined;
  /**
   * For a path: write a temporary file beside it (`.<name>.<pid>.<random>.tmp`), flush
   * it to disk, and rename it onto the path only once every row is written (default
   * `true`), so that the path never holds part of the rows: until then it keeps what
   * it held, or does not exist. `false` writes the path itself as it grows, for a
   * reader that follows it (`tail -f`); it is still removed if writing fails.
   */
  readonly atomic?: boolean | undefined;
}

const OPTION_KEYS = ['gzip', 'end', 'atomic'] as const satisfies readonly (keyof WriteJsonlOptions)[];

/** What {@link writeJsonl} wrote. */
export interface WriteJsonlResult {
  /** Rows written (one line each). */
  readonly rows: number;
  /** Bytes of JSON Lines written, before any gzip. */
  readonly bytes: number;
}

/**
 * Writes rows as JSON Lines (`JSON.stringify(row)` and `\n` per row), pulling them
 * one at a time from any iterable or async iterable and honouring backpressure: when
 * the destination is slower than the source, it waits for `'drain'` before pulling
 * more, so memory stays flat however many rows there are.
 *
 * A path is gzipped when it ends in `.gz`, and is written atomically: the rows go to
 * a temporary file in the same folder, which is flushed to disk and renamed onto the
 * path when the last row is written. If writing fails (a row that is not JSON, a
 * failing source, a disk error) the temporary file is removed and the path keeps what
 * it held. `atomic: false` writes the path in place instead (removed on failure).
 * If the process is killed mid-write, the path is untouched and the temporary file
 * (`.<name>.<pid>.<random>.tmp`) may be left beside it. A stream you pass is left
 * open unless `end: true`.
 *
 * @param rows - The rows, e.g. `map(stepPromptStream(...), toTrlRow)`.
 * @param destination - A file path or a writable stream.
 * @param options - Gzip, stream-ending and atomic-write options.
 * @returns How many rows and bytes were written.
 * @throws TypeError for a row `JSON.stringify` cannot write (`undefined`, a function), or an unknown option; the stream's or file system's error (naming the path).
 * @example
 * ```ts
 * import { writeJsonl } from 'srl-kit/io';
 * await writeJsonl([{ a: 1 }, { a: 2 }], 'rows.jsonl');   //=> { rows: 2, bytes: 16 }
 * await writeJsonl(rowsFromAnywhere(), 'rows.jsonl.gz');  // gzip by extension
 * await writeJsonl([{ a: 1 }], process.stdout);           // stdout stays open
 * await writeJsonl(rows, 'live.jsonl', { atomic: false }); // readers see it grow
 * ```
 */
export async function writeJsonl(
  rows: Iterable<unknown> | AsyncIterable<unknown>,
  destination: string | NodeJS.WritableStream,
  options?: WriteJsonlOptions,
): Promise<WriteJsonlResult> {
  assertOptions(options, FN);
  assertKnownKeys(options, OPTION_KEYS, FN);
  assertRows(rows, FN);
  const sink = await openSink(destination, options);
  const out = new LineBuffer(sink);
  let count = 0;
  try {
    for await (const row of rows) {
      const json = JSON.stringify(row) as string | undefined;
      if (json === undefined) throw new TypeError(`${FN}: row ${count} cannot be written as JSON: ${describeType(row)}`);
      const full = out.add(json);
      if (full !== undefined) await full; // only when a chunk was written: no await per row
      count++;
    }
    await out.flush();
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return { rows: count, bytes: out.bytes };
}

/** Encodes lines into a buffer and writes it to the sink when full. */
class LineBuffer {
  readonly #sink: Sink;
  #buffer = Buffer.allocUnsafe(JSONL_CHUNK_BYTES);
  #used = 0;
  /** Bytes written so far. */
  bytes = 0;

  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /**
   * Adds `text` and a newline. Returns a promise only when the buffer was full and
   * had to be written first (then `text` is added once it is).
   */
  add(text: string): Promise<void> | undefined {
    const worst = text.length * 3 + 1; // UTF-8 bytes of a UTF-16 code unit: at most 3
    if (this.#used + worst > JSONL_CHUNK_BYTES) return this.#addAfterFlush(text, worst);
    this.#append(text);
    return undefined;
  }

  async #addAfterFlush(text: string, worst: number): Promise<void> {
    await this.flush();
    if (worst > JSONL_CHUNK_BYTES) await this.#write(Buffer.from(`${text}\n`, 'utf8'));
    else this.#append(text);
  }

  #append(text: string): void {
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
    this.#buffer[this.#used++] = 0x0a;
  }

  /** Writes what is buffered; a new buffer takes its place (the stream may still hold the old one). */
  async flush(): Promise<void> {
    if (this.#used === 0) return;
    const chunk = this.#buffer.subarray(0, this.#used);
    this.#buffer = Buffer.allocUnsafe(JSONL_CHUNK_BYTES);
    this.#used = 0;
    await this.#write(chunk);
  }

  async #write(chunk: Buffer): Promise<void> {
    await writeChunk(this.#sink, chunk);
    this.bytes += chunk.length;
  }
}

async function openSink(destination: string | NodeJS.WritableStream, options: WriteJsonlOptions | undefined): Promise<Sink> {
  const atomic = options?.atomic ?? true;
  if (typeof atomic !== 'boolean') throw new TypeError(`${FN}: option 'atomic' must be a boolean, got ${describeType(atomic)}`);
  if (typeof destination === 'string') {
    if (destination === '') throw new TypeError(`${FN}: argument 'destination' must be a file path or a writable stream, got an empty string`);
    return fileSink(destination, options?.gzip ?? isGzipPath(destination), FILE_BUFFER_BYTES, atomic);
  }
  if (destination === null || typeof destination !== 'object' || typeof destination.write !== 'function') {
    throw new TypeError(`${FN}: argument 'destination' must be a file path or a writable stream, got ${describeType(destination)}`);
  }
  if (options?.gzip === true) throw new TypeError(`${FN}: option 'gzip' applies to a file path; pipe the stream through zlib.createGzip() instead`);
  return streamSink(destination, options?.end ?? false);
}

/** Throws a `TypeError` unless `rows` is an iterable or async iterable (and not a string). @internal */
export function assertRows(rows: unknown, fn: string): void {
  const ok =
    rows !== null && typeof rows === 'object' && (Symbol.iterator in rows || Symbol.asyncIterator in rows);
  if (!ok) throw new TypeError(`${fn}: argument 'rows' must be an iterable or async iterable, got ${describeType(rows)}`);
}
