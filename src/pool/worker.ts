/**
 * The pool's worker entry (run by piscina in a worker thread): scores a chunk.
 * Honours the test crash hook (see `crash-hook.ts`).
 *
 * @module
 * @internal
 */
import { crashHook } from './crash-hook.js';
import { scoreOne } from './score-items.js';
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
    return { results: task.items.map(scoreOne) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { error: { name: e.name, message: e.message } };
  }
}

export default scoreChunk;
