import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { createFifoGate } from './fifo-gate.js';
import { locateWorker } from './locate-worker.js';
import { runWithRetry } from './run-task.js';
import type { ScorePoolStats } from './types.js';

/** Most worker threads (or server processes) per core: for CPU-bound scoring more only cost memory. @internal */
export const MAX_PER_CORE = 4;

/**
 * The most worker threads a pool or server (or processes a cluster) may start here:
 * `max(16, 4 x os.availableParallelism())`. A larger number is a `RangeError` at creation,
 * not a fatal out-of-memory error later.
 * @internal
 */
export function maxWorkers(): number {
  return Math.max(16, MAX_PER_CORE * availableParallelism());
}

/** Worker threads running a worker entry of srl-kit's; see {@link startWorkerThreads}. @internal */
export interface WorkerThreads {
  /**
   * Runs `task(attempt)` on a free thread once one is free (first come, first served),
   * retrying it once on a fresh thread if its thread dies; rejects when `signal` aborts.
   */
  run(task: (attempt: number) => unknown, label: string, signal?: AbortSignal): Promise<unknown>;
  /** Stops the threads; later and running tasks reject. */
  close(): Promise<void>;
}

/**
 * Starts `workers` (>= 1) threads of the `<module>/worker` entry (piscina), behind a FIFO
 * gate (see `createFifoGate`) that hands piscina one task per free thread; at most
 * `maxQueue` tasks wait. `stats` counts tasks, retries and thread deaths.
 * @internal
 * @example
 * ```ts
 * const threads = startWorkerThreads('pool', 2, stats);
 * const answer = await threads.run((attempt) => ({ items, attempt }), 'chunk 0');
 * ```
 */
export function startWorkerThreads(module: 'pool' | 'server', workers: number, stats: ScorePoolStats, maxQueue = Infinity): WorkerThreads {
  const where = locateWorker(undefined, module);
  const piscina = new Piscina({
    filename: where.filename,
    minThreads: workers,
    maxThreads: workers,
    execArgv: [...process.execArgv, ...where.execArgv],
  });
  const gate = createFifoGate(workers, maxQueue);
  let closed = false;
  let closing: Promise<void> | undefined;
  return {
    async run(task, label, signal) {
      const leave = await gate.enter(signal);
      try {
        return await runWithRetry(piscina, task, { label, signal, closed: () => closed, stats });
      } finally {
        leave();
      }
    },
    close() {
      closed = true;
      closing ??= piscina.destroy().then(() => undefined);
      return closing;
    },
  };
}
