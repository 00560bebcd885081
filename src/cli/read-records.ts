import { open, readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { readJsonArray } from '../io/read-json-array.js';
import { readJsonl } from '../io/read-jsonl.js';
import type { OnError, SkipReport } from '../trajectory/error-policy.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';

/** Options of {@link readRecords}. */
export interface ReadRecordsOptions {
  readonly onError: OnError;
  readonly report?: SkipReport | undefined;
}

/**
 * Reads the records of an input file, streaming where it can:
 * - `.jsonl`, `.ndjson` (optionally `.gz`): one record per line;
 * - any other name (`.json`, `.traj`, optionally `.gz`): a top-level JSON array is
 *   streamed element by element; a single JSON object is one record (a SWE-agent
 *   `.traj` file);
 *
 * @param path - The input file.
 * @param options - The error policy and skip report.
 * @returns The records.
 */
export async function* readRecords(path: string, options: ReadRecordsOptions): AsyncGenerator<unknown, void, undefined> {
  const { onError, report } = options;
  const base = path.replace(/\.gz$/i, '');
  if (/\.(jsonl|ndjson)$/i.test(base)) {
    yield* readJsonl(path, { onError, report, source: path });
    return;
  }
  const first = await firstChar(path);
  if (first === '[') {
    yield* readJsonArray(path, { onError, report, source: path });
    return;
  }
  const bytes = await readFile(path);
  const text = (/\.gz$/i.test(path) ? gunzipSync(bytes) : bytes).toString('utf8');
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

/** The first non-whitespace character of a file (gunzipped when `.gz`), or '' when empty. */
async function firstChar(path: string): Promise<string> {
  if (/\.gz$/i.test(path)) {
    const text = gunzipSync(await readFile(path)).subarray(0, 4096).toString('utf8');
    return text.replace(/^\uFEFF/, '').trimStart().charAt(0);
  }
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart().charAt(0);
  } finally {
    await handle.close();
  }
}
