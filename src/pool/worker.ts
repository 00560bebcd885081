/**
 * The pool's worker entry (run by piscina in a worker thread): scores a chunk.
 * Test hook, active only when `SRL_POOL_TEST_CRASH=1` is in the worker's env: an
 * item whose `output` is `__srl_pool_crash:<exit|throw>:<once|always>` makes the
 * worker `process.exit(1)` or throw an uncaught error, on the first try only
 * (`once`) or on every try (`always`).
 *
 * @module
 * @internal
 */
import { scoreOne } from './score-items.js';
import type { ChunkAnswer, ChunkTask } from './types.js';

/** The test-crash marker prefix. @internal */
export const CRASH_PREFIX = '__srl_pool_crash:';

function crashHook(task: ChunkTask): Promise<never> | null {
  if (process.env['SRL_POOL_TEST_CRASH'] !== '1') return null;
  for (const item of task.items) {
    if (!item.output.startsWith(CRASH_PREFIX)) continue;
    const [how, when] = item.output.slice(CRASH_PREFIX.length).split(':');
    if (when !== 'always' && task.attempt > 0) continue;
    if (how === 'throw') {
      return new Promise<never>(() => {
        setImmediate(() => {
          throw new Error('srl-kit pool: test crash (uncaught error)');
        });
      });
    }
    process.exit(1);
  }
  return null;
}

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
  const crash = crashHook(task);
  if (crash) return crash;
  try {
    return { results: task.items.map(scoreOne) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { error: { name: e.name, message: e.message } };
  }
}

export default scoreChunk;
