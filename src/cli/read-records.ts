import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { readJsonArray } from '../io/read-json-array.js';
import { readJsonl } from '../io/read-jsonl.js';
import { fileReadError, isGzipPath, readFileChunks } from '../io/read-source.js';
import type { OnError, SkipReport } from '../trajectory/error-policy.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import { isOpenHandsEvent } from './to-trajectory.js';

/** The first element of an array that is one run, not a list of records: a chat message or an OpenHands event. */
function isRunElement(value: unknown): boolean {
  if (isOpenHandsEvent(value)) return true;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { role?: unknown }).role === 'string';
}

/** Options of {@link readRecords}. */
export interface ReadRecordsOptions {
  readonly onError: OnError;
  readonly report?: SkipReport | undefined;
}

/**
 * Reads the records of an input file, streaming where it can:
 * - `.jsonl`, `.ndjson` (optionally `.gz`): one record per line;
 * - any other name (`.json`, `.traj`, optionally `.gz`): a top-level JSON array is
 *   streamed element by element (an array of records), unless its first element is a
 *   chat message (`{role, ...}`: a mini-swe-agent or OpenAI message list) or an
 *   OpenHands event: then the whole array is one run, one record; a single JSON object
 *   is one record (a SWE-agent `.traj` file);
 *
 * @param path - The input file.
 * @param options - The error policy and skip report.
 * @returns The records.
 * @example
 * ```ts
 * const report = createSkipReport();
 * for await (const record of readRecords('trajectories.jsonl.gz', { onError: 'skip', report })) use(record);
 * report.skipped; // lines that were not JSON
 * ```
 */
export async function* readRecords(path: string, options: ReadRecordsOptions): AsyncGenerator<unknown, void, undefined> {
  const { onError, report } = options;
  const base = isGzipPath(path) ? path.slice(0, -3) : path;
  if (/\.(jsonl|ndjson)$/i.test(base)) {
    yield* readJsonl(path, { onError, report, source: path });
    return;
  }
  const first = await firstChar(path);
  if (first === '[') {
    // An array of records, or one run saved as an array (of messages or events).
    let run: unknown[] | undefined;
    let index = 0;
    for await (const element of readJsonArray(path, { onError, report, source: path })) {
      if (index++ === 0 && isRunElement(element)) run = [];
      if (run !== undefined) run.push(element);
      else yield element;
    }
    if (run !== undefined) yield run;
    return;
  }
  let text: string;
  try {
    const bytes = await readFile(path);
    text = (isGzipPath(path) ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    throw fileReadError(path, error);
  }
  try {
    yield JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    // Not one JSON value: maybe JSON Lines under another name.
    if (first === '{' && text.trimEnd().includes('\n')) {
      yield* readJsonl([text], { onError, report, source: path });
      return;
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new TrajectoryError({ source: path, expected: 'JSON Lines, a JSON array or one JSON object', found: `text that is none (${message})` });
  }
}

/**
 * The first non-whitespace character of a file (gunzipped when `.gz`), or '' when empty.
 * Reads only as far as that character, through the io module's file stream.
 */
async function firstChar(path: string): Promise<string> {
  let head = '';
  for await (const chunk of readFileChunks(path)) {
    head = (head + chunk.toString('utf8')).replace(/^\uFEFF/, '').trimStart();
    if (head !== '') return head.charAt(0);
  }
  return '';
}
