import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LineSplitter, type LineEvent } from '../io/line-splitter.js';
import { DEFAULT_MAX_RECORD_BYTES, excerpt } from '../io/read-options.js';
import { isGzipPath } from '../io/read-source.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';

/** One non-blank line of a JSON Lines file: its value, or why it has none. */
export type NumberedLine =
  | { readonly line: number; readonly ok: true; readonly value: unknown }
  | { readonly line: number; readonly ok: false; readonly error: TrajectoryError };

/** Counts the bytes read from the file so far (compressed bytes for a `.gz` file). */
export interface ByteMeter {
  bytes: number;
}

/** Bytes read per chunk, as in the io module's readers. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Reads a JSON Lines file (gunzipped when it ends in `.gz`) as a stream and yields
 * every non-blank line with its 1-based line number: its parsed value, or, for a
 * line that is not JSON or is longer than `maxLineBytes`, the {@link TrajectoryError}
 * saying so (file, line, what was expected, what was found). Nothing is thrown for
 * a bad line: the caller decides whether to stop or to skip it. Line numbers count
 * blank lines, as `readJsonl`'s do.
 *
 * @param path - The file.
 * @param meter - Optional: its `bytes` grows as the file is read (for progress).
 * @param maxLineBytes - The longest line accepted (default 64 MiB).
 * @returns The numbered lines, in order.
 * @throws The file system's error when the file cannot be read; a zlib error for a bad `.gz`.
 * @example
 * ```ts
 * for await (const l of readNumberedJsonl('rollouts.jsonl')) {
 *   if (l.ok) use(l.value);
 *   else console.error(l.error.message); // rollouts.jsonl, line 3: expected a JSON value, found "{oops" (...)
 * }
 * ```
 */
export async function* readNumberedJsonl(
  path: string,
  meter: ByteMeter = { bytes: 0 },
  maxLineBytes = DEFAULT_MAX_RECORD_BYTES,
): AsyncGenerator<NumberedLine, void, undefined> {
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const gzip = isGzipPath(path);
  let stream: AsyncIterable<Buffer> = file as AsyncIterable<Buffer>;
  if (gzip) {
    // Both listeners are attached in this tick, before any data flows.
    file.on('data', (chunk: string | Buffer) => {
      meter.bytes += Buffer.byteLength(chunk);
    });
    stream = pipeline(file, createGunzip({ chunkSize: CHUNK_BYTES }), () => {}) as unknown as AsyncIterable<Buffer>;
  }
  const splitter = new LineSplitter(maxLineBytes);
  const numbered = (event: LineEvent): NumberedLine | undefined => numberedLine(event, path, maxLineBytes);
  try {
    for await (const chunk of stream) {
      if (!gzip) meter.bytes += chunk.length;
      for (const event of splitter.push(chunk)) {
        const l = numbered(event);
        if (l !== undefined) yield l;
      }
    }
    for (const event of splitter.end()) {
      const l = numbered(event);
      if (l !== undefined) yield l;
    }
  } finally {
    file.destroy();
  }
}

function numberedLine(event: LineEvent, source: string, maxLineBytes: number): NumberedLine | undefined {
  if (event.kind === 'overlong') {
    return {
      line: event.line,
      ok: false,
      error: new TrajectoryError({ source, line: event.line, expected: `a line of at most ${maxLineBytes} bytes`, found: 'a longer one' }),
    };
  }
  // Blank: JSON whitespace only (as readJsonl); any other text must parse.
  if (/^[ \t\r\n]*$/.test(event.text)) return undefined;
  try {
    return { line: event.line, ok: true, value: JSON.parse(event.text) };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
      line: event.line,
      ok: false,
      error: new TrajectoryError(
        { source, line: event.line, expected: 'a JSON value', found: `${excerpt(event.text)} (${message})` },
        { cause },
      ),
    };
  }
}
