import { abortError } from './run-task.js';

/** Admits at most `limit` holders at a time, strictly first come, first served; at most `maxWaiting` wait. @internal */
export interface FifoGate {
  /** Waits for a free slot (rejects if `signal` aborts first); returns the function that frees it. */
  enter(signal?: AbortSignal): Promise<() => void>;
}

/**
 * A FIFO gate in front of the workers. piscina's own queue, with every worker busy and
 * HTTP requests arriving, let some tasks wait hundreds of times longer than others (p99
 * 1 s against a p50 of 4 ms with one worker, bench/server.ts); queueing here and handing
 * piscina only as many tasks as it has free workers keeps the order, and the tail.
 * @internal
 * @example
 * ```ts
 * const gate = createFifoGate(2);
 * const leave = await gate.enter();
 * try { await piscina.run(task); } finally { leave(); }
 * ```
 */
export function createFifoGate(limit: number, maxWaiting = Infinity): FifoGate {
  let inside = 0;
  const waiting: Array<{ admit: () => void }> = [];
  const leave = (): void => {
    inside--;
    const next = waiting.shift();
    if (next !== undefined) next.admit();
  };
  const once = (): (() => void) => {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      leave();
    };
  };
  return {
    enter(signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      if (inside < limit) {
        inside++;
        return Promise.resolve(once());
      }
      if (waiting.length >= maxWaiting) {
        return Promise.reject(new RangeError(`srl-kit pool: the task queue is at its limit (maxQueue ${maxWaiting})`));
      }
      return new Promise((resolve, reject) => {
        const entry = {
          admit: () => {
            signal?.removeEventListener('abort', onAbort);
            inside++;
            resolve(once());
          },
        };
        const onAbort = (): void => {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
          reject(abortError(signal!));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
  };
}
