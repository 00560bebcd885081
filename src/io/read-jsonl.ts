import { isBlank, LineSplitter, type LineEvent } from './line-splitter.js';
import {
  overlongRecord,
  parseRecord,
  readerContext,
  SKIPPED,
  type ReadJsonOptions,
  type ReaderContext,
} from './read-options.js';
import { byteChunks, type ReadSource } from './read-source.js';
// For the {@link TrajectoryError} links in the doc comments.
import type { TrajectoryError } from '../trajectory/trajectory-error.js';

const FN = 'readJsonl';

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions extends ReadJsonOptions {
  /**
   * The longest line accepted, in bytes (default 64 MiB). A longer line is a bad
   * record (thrown, or skipped with `onError: 'skip'`) and is never held whole in memory.
   */
  readonly maxLineBytes?: number | undefined;
}

/**
 * Reads JSON Lines as a stream: one parsed value per non-empty line, in order, one
 * chunk of the input in memory at a time, so a file of any size streams in flat
 * memory. A string argument is a file path; a path ending in `.gz` is gunzipped.
 * Lines may end in `\n` or `\r\n`; blank lines are skipped (but counted in line
 * numbers); a UTF-8 byte order mark is ignored.
 *
 * A line that is not JSON is a {@link TrajectoryError} with its 1-based `line`,
 * expected `"a JSON value"` and found a quote of the line's start plus the parser's
 * message. With `onError: 'skip'` such lines are dropped and counted in `report`.
 *
 * Breaking out of the loop early closes the file.
 *
 * @param source - A file path, a readable stream, or an async iterable of string or byte chunks.
 * @param options - A name for error messages, the error policy, and the line-size cap.
 * @returns The parsed values (`unknown`: validate them, e.g. with `stepPromptStream`).
 * @throws TrajectoryError for a malformed or overlong line (unless skipped).
 * @throws TypeError or RangeError for a bad argument or option; the file system's error when the file cannot be read.
 * @example
 * ```ts
 * import { readJsonl } from 'srl-kit/io';
 * import { createSkipReport } from 'srl-kit';
 * const report = createSkipReport();
 * const rows = [];
 * for await (const row of readJsonl(['{"a":1}\n', 'oops\n{"a":', '2}\n'], { onError: 'skip', report })) rows.push(row);
 * rows;                   //=> [{ a: 1 }, { a: 2 }]
 * report.errors[0]?.line; //=> 2
 * // from a file: for await (const t of readJsonl('trajectories.jsonl.gz')) ...
 * ```
 */
export async function* readJsonl(source: ReadSource, options?: ReadJsonlOptions): AsyncGenerator<unknown, void, undefined> {
  const ctx = readerContext(FN, source, options, 'maxLineBytes', options?.maxLineBytes);
  const splitter = new LineSplitter(ctx.maxBytes);
  for await (const chunk of byteChunks(source, FN)) {
    for (const event of splitter.push(chunk)) {
      const value = lineValue(event, ctx);
      if (value !== SKIPPED) yield value;
    }
  }
  for (const event of splitter.end()) {
    const value = lineValue(event, ctx);
    if (value !== SKIPPED) yield value;
  }
}

/** The value of one line, or SKIPPED for a blank or (skipped) bad line. */
function lineValue(event: LineEvent, ctx: ReaderContext): unknown {
  if (event.kind === 'overlong') return overlongRecord({ line: event.line }, 'a line', ctx);
  if (isBlank(event.text)) return SKIPPED;
  return parseRecord(event.text, { line: event.line }, ctx);
}

