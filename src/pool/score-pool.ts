import { availableParallelism } from 'node:os';
import { setImmediate as yieldTick } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { optionalIntOption } from '../_lib/assert.js';
import { locateWorker } from './locate-worker.js';
import { createFifoGate } from './fifo-gate.js';
import { abortError, runWithRetry } from './run-task.js';
import { scoreOne } from './score-items.js';
import type { ChunkAnswer, ChunkTask, ScoreItem, ScorePool, ScorePoolOptions, ScorePoolStats, ScoreResult } from './types.js';
import { validateItems } from './validate.js';

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
  let closing: Promise<void> | null = null;

  let piscina: Piscina | null = null;
  const gate = createFifoGate(Math.max(1, workers), maxQueue ?? Infinity);
  if (workers > 0) {
    const where = locateWorker();
    piscina = new Piscina({
      filename: where.filename,
      name: 'scoreChunk',
      minThreads: workers,
      maxThreads: workers,
      execArgv: [...process.execArgv, ...where.execArgv],
    });
  }

  async function runChunk(pool: Piscina, items: readonly ScoreItem[], index: number, start: number, signal?: AbortSignal): Promise<ScoreResult[]> {
    const label = `chunk ${index} (items ${start}..${start + items.length - 1})`;
    const leave = await gate.enter(signal);
    let answer: ChunkAnswer;
    try {
      answer = (await runWithRetry(pool, (attempt): ChunkTask => ({ items, attempt }), { label, signal, closed: () => closed, stats })) as ChunkAnswer;
    } finally {
      leave();
    }
    if ('error' in answer) {
      const E = answer.error.name === 'RangeError' ? RangeError : answer.error.name === 'TypeError' ? TypeError : Error;
      throw new E(`${answer.error.message} (chunk ${index}, items ${start}..${start + items.length - 1})`);
    }
    return answer.results;
  }

  async function scoreHere(items: readonly ScoreItem[], signal?: AbortSignal): Promise<ScoreResult[]> {
    const out: ScoreResult[] = [];
    for (let start = 0; start < items.length; start += chunkSize) {
      if (start > 0) await yieldTick();
      if (signal?.aborted) throw abortError(signal);
      stats.tasks++;
      for (const item of items.slice(start, start + chunkSize)) out.push(scoreOne(item));
    }
    return out;
  }

  return {
    workers,
    stats,
    async score(items, signal) {
      if (closed) throw new Error('srl-kit pool: score() after close()');
      validateItems(items, 'ScorePool.score');
      if (signal?.aborted) throw abortError(signal);
      if (piscina === null) return scoreHere(items, signal);
      const pool = piscina;
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
      closing ??= piscina ? piscina.destroy().then(() => {}) : Promise.resolve();
      return closing;
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
