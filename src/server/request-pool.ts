import { abortError } from '../pool/run-task.js';
import { startWorkerThreads } from '../pool/worker-threads.js';
import type { ScorePoolStats } from '../pool/index.js';
import { answerRequestInThread, type RequestAnswer, type RequestTask } from './answer-request.js';
import type { JsonStepRewardOptions, ParseLimits } from './parse-requests.js';
import type { ScoreRoute } from './request-items.js';

/** Worker threads that answer whole scoring requests (raw body in, response text out). @internal */
export interface RequestPool {
  answer(route: ScoreRoute, body: Uint8Array, signal: AbortSignal): Promise<RequestAnswer>;
  readonly workers: number;
  readonly stats: ScorePoolStats;
  close(): Promise<void>;
}

/**
 * Creates the server's own pool: `workers` threads running `answerRequest` (0: this
 * thread, a chunk of items at a time); a request whose worker dies is retried once on a fresh worker.
 * @internal
 * @example
 * ```ts
 * const pool = createRequestPool(2, { maxItemChars: 1e5, maxItems: 1e4 }, {});
 * const answer = await pool.answer('/score', Buffer.from('{"items":[]}'), new AbortController().signal);
 * ```
 */
export function createRequestPool(workers: number, limits: ParseLimits, scoring: JsonStepRewardOptions): RequestPool {
  const stats: ScorePoolStats = { tasks: 0, retried: 0, workerCrashes: 0 };
  const threads = workers > 0 ? startWorkerThreads('server', workers, stats) : null;
  return {
    workers,
    stats,
    async answer(route, body, signal) {
      if (signal.aborted) throw abortError(signal);
      if (threads === null) {
        stats.tasks++;
        return answerRequestInThread({ route, body, limits, scoring, attempt: 0 }, signal);
      }
      const task = (attempt: number): RequestTask => ({ route, body, limits, scoring, attempt });
      return (await threads.run(task, `${route} request (${body.byteLength} bytes)`, signal)) as RequestAnswer;
    },
    async close() {
      if (threads !== null) await threads.close();
    },
  };
}
