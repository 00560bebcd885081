import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** One real (output, expert step) pair of test/fixtures/reward/pairs.jsonl.gz. */
export interface RealPair {
  readonly output: string;
  readonly expert: string;
  readonly action: string;
}

/** The real step pairs with a non-empty action (well formed for every format check), for the server benches. */
export function realPairs(): RealPair[] {
  return gunzipSync(readFileSync(fileURLToPath(new URL('../test/fixtures/reward/pairs.jsonl.gz', import.meta.url))))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RealPair)
    .filter((p) => p.action !== '');
}
