import { JsonArrayScanner, type ArrayEvent } from './json-array-scanner.js';
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

const FN = 'readJsonArray';

/** Options of {@link readJsonArray}. */
export interface ReadJsonArrayOptions extends ReadJsonOptions {
  /**
   * The largest element accepted, in bytes (default 64 MiB). A larger element is a
   * bad record (thrown, or skipped with `onError: 'skip'`) and is never held whole in memory.
   */
  readonly maxElementBytes?: number | undefined;
}

/**
 * Streams the elements of a file (or stream) that holds one top-level JSON array,
 * such as `[{...}, {...}]` exports of datasets, without holding the whole input:
 * an incremental scanner finds where each element ends, and each element is parsed
 * on its own. A string argument is a file path; a path ending in `.gz` is gunzipped.
 *
 * An element that is not JSON is a {@link TrajectoryError} whose `path` names it
 * (`$[17]`) and whose `line` is where it starts; with `onError: 'skip'` it is
 * dropped and counted in `report`. A broken array (no `[`, a missing comma, a
 * missing `]`, text after it) is always thrown, whatever `onError` says.
 *
 * @param source - A file path, a readable stream, or an iterable or async iterable of string or byte chunks.
 * @param options - A name for error messages, the error policy, and the element-size cap.
 * @returns The parsed elements, in order.
 * @throws TrajectoryError for a malformed or overlong element (unless skipped), or a broken array.
 * @throws TypeError or RangeError for a bad argument or option; the file system's error when the file cannot be read.
 * @example
 * ```ts
 * import { readJsonArray } from 'srl-kit/io';
 * const items = [];
 * for await (const item of readJsonArray(['[{"task": "a"}, {"ta', 'sk": "b"}]'])) items.push(item);
 * items; //=> [{ task: 'a' }, { task: 'b' }]
 * // from a file: for await (const t of readJsonArray('trajectories.json')) ...
 * ```
 */
export async function* readJsonArray(
  source: ReadSource,
  options?: ReadJsonArrayOptions,
): AsyncGenerator<unknown, void, undefined> {
  const ctx = readerContext(FN, source, options, 'maxElementBytes', options?.maxElementBytes);
  const scanner = new JsonArrayScanner(ctx.maxBytes, ctx.label);
  for await (const chunk of byteChunks(source, FN)) {
    for (const event of scanner.push(chunk)) {
      const value = elementValue(event, ctx);
      if (value !== SKIPPED) yield value;
    }
  }
  scanner.end();
}

/** The value of one element, or SKIPPED for a (skipped) bad one. */
function elementValue(event: ArrayEvent, ctx: ReaderContext): unknown {
  const at = { line: event.line, path: `$[${event.index}]` };
  if (event.kind === 'overlong') return overlongRecord(at, 'an element', ctx);
  return parseRecord(event.text, at, ctx);
}
