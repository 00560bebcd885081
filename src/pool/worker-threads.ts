import { Piscina } from 'piscina';
import { createFifoGate } from './fifo-gate.js';
import { locateWorker } from './locate-worker.js';
import { runWithRetry } from './run-task.js';
import type { ScorePoolStats } from './types.js';

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
