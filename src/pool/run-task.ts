import type { Piscina } from 'piscina';
import type { ScorePoolStats } from './types.js';

/** How {@link runWithRetry} runs one task. @internal */
export interface RetryRun {
  /** Names the task in the error of a second failure, e.g. `chunk 3 (items 192..255)`. */
  readonly label: string;
  /** Aborts the task (a queued task leaves the queue; a running one is abandoned). */
  readonly signal?: AbortSignal | undefined;
  /** Whether the pool was closed (then a failure is not retried). */
  readonly closed: () => boolean;
  /** Counters to update (tasks, retried, workerCrashes). */
  readonly stats: ScorePoolStats;
  /** The worker's export to call (default: its default export). */
  readonly name?: string;
}

/** The abort reason of `signal`, or an `AbortError`. @internal */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Runs `task(attempt)` on the piscina pool. A worker that dies (exit or uncaught error)
 * is replaced by piscina and the task retried once; a second failure rejects naming
 * `label`. A full queue and an abort reject at once, without a retry.
 * @internal
 * @example
 * ```ts
 * const answer = await runWithRetry(piscina, (attempt) => ({ items, attempt }), { label: 'chunk 0', closed: () => false, stats });
 * ```
 */
export async function runWithRetry(pool: Piscina, task: (attempt: number) => unknown, run: RetryRun): Promise<unknown> {
  const { signal, stats } = run;
  const runOptions = { ...(signal ? { signal } : {}), ...(run.name !== undefined ? { name: run.name } : {}) };
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw abortError(signal);
    stats.tasks++;
    try {
      return (await pool.run(task(attempt), runOptions)) as unknown;
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      if (run.closed()) throw new Error('srl-kit pool: closed while scoring', { cause: err });
      const msg = err instanceof Error ? err.message : String(err);
      if (/queue is at limit/i.test(msg)) throw err;
      stats.workerCrashes++;
      if (attempt >= 1) throw new Error(`srl-kit pool: ${run.label} failed twice: ${msg}`, { cause: err });
      stats.retried++;
    }
  }
}
