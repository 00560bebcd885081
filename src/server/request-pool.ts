import { abortError } from '../pool/run-task.js';
import { startWorkerThreads } from '../pool/worker-threads.js';
import type { ScorePoolStats } from '../pool/index.js';
import { answerRequestInThread, type RequestAnswer, type RequestTask } from './answer-request.js';
import type { JsonStepRewardOptions, ParseLimits, ScoringCeilings } from './parse-requests.js';
import type { ScoreRoute } from './request-items.js';

/** What every request of a server shares: its limits, default options and ceilings. @internal */
export interface RequestSettings {
  readonly limits: ParseLimits;
  readonly scoring: JsonStepRewardOptions;
  readonly ceilings: ScoringCeilings;
}

/** Worker threads that answer whole scoring requests (raw body in, response text out). @internal */
export interface RequestPool {
  /**
   * Answers one request: `deadline` (epoch ms) stops the scoring from inside the matcher
   * (a 504 naming `budgetMs`); `signal` abandons it (a running worker is replaced).
   */
  answer(route: ScoreRoute, body: Uint8Array, signal: AbortSignal, deadline: number, budgetMs: number): Promise<RequestAnswer>;
  readonly workers: number;
  readonly stats: ScorePoolStats;
  close(): Promise<void>;
}

/**
 * Creates the server's own pool: `workers` threads running `answerRequest` (0: this
 * thread, yielding every few ms); a request whose worker dies is retried once on a fresh worker.
 * @internal
 * @example
 * ```ts
 * const pool = createRequestPool(2, { limits: { maxItemChars: 1e5, maxItems: 1e4 }, scoring: {}, ceilings: { maxWork: 1e8 } });
 * const answer = await pool.answer('/score', Buffer.from('{"items":[]}'), new AbortController().signal, Date.now() + 1e4, 1e4);
 * ```
 */
export function createRequestPool(workers: number, settings: RequestSettings): RequestPool {
  const stats: ScorePoolStats = { tasks: 0, retried: 0, workerCrashes: 0 };
  const threads = workers > 0 ? startWorkerThreads('server', workers, stats) : null;
  return {
    workers,
    stats,
    async answer(route, body, signal, deadline, budgetMs) {
      if (signal.aborted) throw abortError(signal);
      const task = (attempt: number): RequestTask => ({ route, body, ...settings, deadline, budgetMs, attempt });
      if (threads === null) {
        stats.tasks++;
        return answerRequestInThread(task(0), signal);
      }
      return (await threads.run(task, `${route} request (${body.byteLength} bytes)`, signal)) as RequestAnswer;
    },
    async close() {
      if (threads !== null) await threads.close();
    },
  };
}
