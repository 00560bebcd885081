import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Reads a gzipped JSONL fixture under test/fixtures/. */
export function readJsonlGz<T>(relative: string): T[] {
  const text = gunzipSync(readFileSync(resolve(import.meta.dirname, '..', 'fixtures', relative))).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);
}
