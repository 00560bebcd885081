/**
 * The pool's worker entry (run by piscina in a worker thread): scores a chunk.
 * Honours the test crash hook (see `crash-hook.ts`).
 *
 * @module
 * @internal
 */
import { ScoringLimitError } from '../reward/index.js';
import { crashHook } from './crash-hook.js';
import { ItemError } from './item-error.js';
import { scoreAll } from './score-items.js';
import type { ChunkAnswer, ChunkTask } from './types.js';

/**
 * Scores one chunk. Deterministic errors come back as `{ error }` so that the
 * pool does not retry them.
 * @internal
 * @example
 * ```ts
 * scoreChunk({ items: [{ output: '<think></think>a', target: 'a' }], attempt: 0 });
 * //=> { results: [{ reward: 1, ok: true }] }
 * ```
 */
export function scoreChunk(task: ChunkTask): ChunkAnswer | Promise<never> {
  const crash = crashHook(task.items.map((i) => i.output), task.attempt);
  if (crash) return crash;
  try {
    return { results: scoreAll(task.items) };
  } catch (err) {
    const index = err instanceof ItemError ? err.index : undefined;
    const cause: unknown = err instanceof ItemError ? err.cause : err;
    const e = cause instanceof Error ? cause : new Error(String(cause));
    const limit = cause instanceof ScoringLimitError ? { limit: cause.limit, work: cause.work, max: cause.max } : {};
    return { error: { name: e.name, message: e.message, ...(index === undefined ? {} : { index }), ...limit } };
  }
}

export default scoreChunk;
