import { availableParallelism } from 'node:os';
import { optionalIntOption } from '../_lib/assert.js';
import { abortError } from './run-task.js';
import { scoreItemsYielding } from './score-items.js';
import type { ChunkAnswer, ChunkTask, ScoreItem, ScorePool, ScorePoolOptions, ScorePoolStats, ScoreResult } from './types.js';
import { validateItems } from './validate.js';
import { startWorkerThreads, type WorkerThreads } from './worker-threads.js';

const FN = 'createScorePool';

/**
 * Creates a pool of worker threads that compute step rewards. `score` splits the
 * items into chunks of `chunkSize`, runs them on the workers and returns the
 * results in order, equal to {@link scoreItems}. A worker that dies (exit or
 * uncaught error) is replaced and its chunk retried once; a second failure rejects
 * with an error naming the chunk.
 *
 * @param options - `workers` (default `os.availableParallelism()`, 0 = this thread), `maxQueue`, `chunkSize`.
 * @returns The pool; call `close()` when done.
 * @throws RangeError when an option is not a valid integer.
 * @example
 * ```ts
 * import { createScorePool } from 'srl-kit/pool';
 * const pool = createScorePool({ workers: 2 });
 * const [r] = await pool.score([{ output: '<think>t</think> x = 4', target: 'x = 5' }]);
 * // r => { reward: 0.8, ok: true }
 * await pool.close();
 * ```
 */
export function createScorePool(options: ScorePoolOptions = {}): ScorePool {
  const workers = optionalIntOption(options.workers, FN, 'workers', 0) ?? availableParallelism();
  const chunkSize = optionalIntOption(options.chunkSize, FN, 'chunkSize', 1) ?? 64;
  const maxQueue = optionalIntOption(options.maxQueue, FN, 'maxQueue', 0);
  const stats: ScorePoolStats = { tasks: 0, retried: 0, workerCrashes: 0 };
  let closed = false;

  const threads = workers > 0 ? startWorkerThreads('pool', workers, stats, maxQueue ?? Infinity) : null;

  async function runChunk(pool: WorkerThreads, items: readonly ScoreItem[], index: number, start: number, signal?: AbortSignal): Promise<ScoreResult[]> {
    const label = `chunk ${index} (items ${start}..${start + items.length - 1})`;
    const answer = (await pool.run((attempt): ChunkTask => ({ items, attempt }), label, signal)) as ChunkAnswer;
    if ('error' in answer) {
      const E = answer.error.name === 'RangeError' ? RangeError : answer.error.name === 'TypeError' ? TypeError : Error;
      throw new E(`${answer.error.message} (chunk ${index}, items ${start}..${start + items.length - 1})`);
    }
    return answer.results;
  }

  return {
    workers,
    stats,
    async score(items, signal) {
      if (closed) throw new Error('srl-kit pool: score() after close()');
      validateItems(items, 'ScorePool.score');
      if (signal?.aborted) throw abortError(signal);
      if (threads === null) {
        stats.tasks += Math.ceil(items.length / chunkSize);
        return scoreItemsYielding(items, chunkSize, signal);
      }
      const pool = threads;
      const chunks: Promise<ScoreResult[]>[] = [];
      for (let start = 0, index = 0; start < items.length; start += chunkSize, index++) {
        chunks.push(runChunk(pool, items.slice(start, start + chunkSize), index, start, signal));
      }
      // Avoid unhandled rejections of later chunks when an earlier one fails.
      for (const c of chunks) c.catch(() => {});
      return (await Promise.all(chunks)).flat();
    },
    close() {
      closed = true;
      return threads === null ? Promise.resolve() : threads.close();
    },
  };
}

/**
 * Scores `items` once on a fresh pool: creates it, scores, closes it.
 *
 * @param items - Outputs with their expert steps and options.
 * @param options - Pool options, as for {@link createScorePool}.
 * @returns One result per item, in order.
 * @example
 * ```ts
 * import { scoreBatch } from 'srl-kit/pool';
 * await scoreBatch([{ output: 'x = 5', target: 'x = 5' }], { workers: 1 });
 * //=> [{ reward: -1, ok: false, reason: 'missing-think' }]
 * ```
 */
export async function scoreBatch(items: readonly ScoreItem[], options?: ScorePoolOptions): Promise<ScoreResult[]> {
  validateItems(items, 'scoreBatch');
  const pool = createScorePool(options);
  try {
    return await pool.score(items);
  } finally {
    await pool.close();
  }
}
