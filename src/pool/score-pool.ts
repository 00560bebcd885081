import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { assertOptions } from '../_lib/assert.js';
import { assertKnownKeys, intOption } from '../_lib/options.js';
import { ItemError } from './item-error.js';
import { abortError } from './run-task.js';
import { itemFailure, restoreError, scoreItemsYielding } from './score-items.js';
import type { ChunkAnswer, ChunkTask, ScoreItem, ScorePool, ScorePoolOptions, ScorePoolStats, ScoreResult } from './types.js';
import { validateItems } from './validate.js';
import { maxWorkers, startWorkerThreads, type WorkerThreads } from './worker-threads.js';

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
  assertOptions(options, FN);
  assertKnownKeys(options, ['workers', 'maxQueue', 'chunkSize'], FN);
  const workers = intOption(options.workers, FN, 'workers', 0, maxWorkers()) ?? availableParallelism();
  const chunkSize = intOption(options.chunkSize, FN, 'chunkSize', 1, Number.MAX_SAFE_INTEGER) ?? 64;
  const maxQueue = intOption(options.maxQueue, FN, 'maxQueue', 0, Number.MAX_SAFE_INTEGER);
  const stats: ScorePoolStats = { tasks: 0, retried: 0, workerCrashes: 0 };
  let closed = false;

  const threads = workers > 0 ? startWorkerThreads('pool', workers, stats, maxQueue ?? Infinity) : null;

  async function runChunk(pool: WorkerThreads, items: readonly ScoreItem[], index: number, start: number, signal?: AbortSignal): Promise<ScoreResult[]> {
    const label = `chunk ${index} (items ${start}..${start + items.length - 1})`;
    const answer = (await pool.run((attempt): ChunkTask => ({ items, attempt }), label, signal)) as ChunkAnswer;
    if ('error' in answer) {
      const { name, message } = answer.error;
      if (answer.error.index !== undefined) throw itemFailure('ScorePool.score', start + answer.error.index, restoreError(answer.error));
      const E = name === 'RangeError' ? RangeError : name === 'TypeError' ? TypeError : Error;
      throw new E(`${message} (chunk ${index}, items ${start}..${start + items.length - 1})`);
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
        try {
          return await scoreItemsYielding(items, { signal });
        } catch (err) {
          throw err instanceof ItemError ? itemFailure('ScorePool.score', err.index, err.cause) : err;
        }
      }
      const pool = threads;
      // Every chunk listens to the signal (the queue and piscina each add a listener): one
      // inner signal, followed once, with no listener limit, so a large call gives no
      // MaxListenersExceededWarning.
      let inner: AbortController | undefined;
      let unlink = (): void => {};
      if (signal !== undefined) {
        const controller = new AbortController();
        inner = controller;
        setMaxListeners(0, controller.signal);
        const follow = (): void => controller.abort(signal.reason);
        signal.addEventListener('abort', follow, { once: true });
        unlink = () => signal.removeEventListener('abort', follow);
      }
      try {
        const chunks: Promise<ScoreResult[]>[] = [];
        for (let start = 0, index = 0; start < items.length; start += chunkSize, index++) {
          chunks.push(runChunk(pool, items.slice(start, start + chunkSize), index, start, inner?.signal));
        }
        // Avoid unhandled rejections of later chunks when an earlier one fails.
        for (const c of chunks) c.catch(() => {});
        return (await Promise.all(chunks)).flat();
      } finally {
        unlink();
      }
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
