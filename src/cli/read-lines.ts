import { isBlank, LineSplitter, type LineEvent } from '../io/line-splitter.js';
import { DEFAULT_MAX_RECORD_BYTES, overlongRecord, parseRecord, readerContext, type ReaderContext } from '../io/read-options.js';
import { readFileChunks } from '../io/read-source.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';

const FN = 'readNumberedJsonl';

/** One non-blank line of a JSON Lines file: its value, or why it has none. */
export type NumberedLine =
  | { readonly line: number; readonly ok: true; readonly value: unknown }
  | { readonly line: number; readonly ok: false; readonly error: TrajectoryError };

/** Counts the bytes read from the file so far (compressed bytes for a `.gz` file). */
export interface ByteMeter {
  bytes: number;
}

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
 * @throws The file system's error (naming the file) when it cannot be read; a TrajectoryError naming it for a corrupt or truncated `.gz`.
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
  // The io readers' own context and errors, with onError 'throw': a bad line's error is caught here.
  const ctx = readerContext(FN, path, {}, 'maxLineBytes', maxLineBytes);
  const splitter = new LineSplitter(ctx.maxBytes);
  for await (const chunk of readFileChunks(path, (bytes) => (meter.bytes += bytes))) {
    for (const event of splitter.push(chunk)) {
      const l = numberedLine(event, ctx);
      if (l !== undefined) yield l;
    }
  }
  for (const event of splitter.end()) {
    const l = numberedLine(event, ctx);
    if (l !== undefined) yield l;
  }
}

function numberedLine(event: LineEvent, ctx: ReaderContext): NumberedLine | undefined {
  if (event.kind === 'line' && isBlank(event.text)) return undefined;
  try {
    const value = event.kind === 'overlong' ? overlongRecord({ line: event.line }, 'a line', ctx) : parseRecord(event.text, { line: event.line }, ctx);
    return { line: event.line, ok: true, value };
  } catch (error) {
    if (!(error instanceof TrajectoryError)) throw error;
    return { line: event.line, ok: false, error };
  }
}
