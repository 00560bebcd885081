import { crashHook } from '../pool/crash-hook.js';
import { ItemError } from '../pool/item-error.js';
import { scoreAll, scoreItemsYielding } from '../pool/score-items.js';
import { ScoringLimitError } from '../reward/index.js';
import { decodeUtf8 } from './decode-utf8.js';
import { HttpError } from './http-error.js';
import { parseJson, type JsonStepRewardOptions, type ParsedItem, type ParseLimits, type ScoringCeilings } from './parse-requests.js';
import { requestItems, type ScoreRoute } from './request-items.js';
import { responseBody } from './response-body.js';

/** A scoring request as sent to a server worker: the raw body and the server's settings. @internal */
export interface RequestTask {
  readonly route: ScoreRoute;
  /** The request body, UTF-8. */
  readonly body: Uint8Array;
  readonly limits: ParseLimits;
  readonly scoring: JsonStepRewardOptions;
  readonly ceilings: ScoringCeilings;
  /** When the scoring must stop (epoch ms, `Date.now()` clock): checked inside the matcher. */
  readonly deadline: number;
  /** The request budget in ms, for the 504 message. */
  readonly budgetMs: number;
  /** 0 on the first try, 1 on the retry after a worker crash. */
  readonly attempt: number;
}

/** A worker's answer: the response JSON text, or the error to answer with. @internal */
export type RequestAnswer =
  | { readonly text: string; readonly items: number }
  | { readonly error: { readonly status: number; readonly message: string; readonly path?: string } };

/**
 * Parses, validates and scores one request body and serialises the response: all the
 * per-request work except HTTP, so that it runs on a worker thread. Bad input becomes
 * `{ error }` (400 with a JSON path; 422 for an item over the work budget; 504 past the
 * deadline); anything else unexpected a 500.
 * @internal
 * @example
 * ```ts
 * answerRequest({ route: '/score', body: Buffer.from('{"items":[]}'), limits, scoring: {}, ceilings, deadline, budgetMs, attempt: 0 });
 * //=> { text: '{"results":[]}', items: 0 }
 * ```
 */
export function answerRequest(task: RequestTask): RequestAnswer | Promise<never> {
  try {
    const items = taskItems(task);
    const crash = crashHook(items.map((i) => i.output), task.attempt);
    if (crash) return crash;
    return { text: JSON.stringify(responseBody(task.route, scoreAll(items, task.deadline))), items: items.length };
  } catch (err) {
    return errorAnswer(err, task);
  }
}

/**
 * {@link answerRequest} on the calling thread, yielding to the event loop every few
 * milliseconds of scoring, so that other requests, `/health`, timeouts and signals are
 * served while a large request is scored; stops when `signal` aborts, and inside an item
 * when the task's deadline passes.
 * @internal
 * @example
 * ```ts
 * await answerRequestInThread(task, controller.signal); //=> { text: '{"rewards":[...]...}', items: 64 }
 * ```
 */
export async function answerRequestInThread(task: RequestTask, signal: AbortSignal): Promise<RequestAnswer> {
  try {
    const items = taskItems(task);
    const crash = crashHook(items.map((i) => i.output), task.attempt);
    if (crash) return await crash;
    const results = await scoreItemsYielding(items, { signal, deadline: task.deadline });
    return { text: JSON.stringify(responseBody(task.route, results)), items: items.length };
  } catch (err) {
    if (signal.aborted) throw err;
    return errorAnswer(err, task);
  }
}

function taskItems(task: RequestTask): ParsedItem[] {
  return requestItems(task.route, parseJson(decodeUtf8(task.body)), task.limits, task.scoring, task.ceilings);
}

/** The JSON path of item `index` of a request on `route`. */
function itemPath(route: ScoreRoute, index: number): string {
  return route === '/reward' ? `$.query[${index}]` : `$.items[${index}]`;
}

/**
 * The HTTP error for an error thrown while scoring item `index`: 422 over the work budget,
 * 504 past the deadline, 400 for an option the scorer refused, else 500.
 * @internal
 */
export function itemHttpError(route: ScoreRoute, index: number, cause: unknown, budgetMs: number): HttpError {
  const path = itemPath(route, index);
  if (cause instanceof ScoringLimitError) {
    if (cause.limit === 'deadline') return new HttpError(504, `scoring did not finish within ${budgetMs} ms (stopped inside ${path})`);
    return new HttpError(422, `${cause.message.replace(/^[A-Za-z]+: /, '')} (the server's per-item work budget; its operator can raise maxWork)`, path);
  }
  if (cause instanceof TypeError || cause instanceof RangeError) return new HttpError(400, cause.message, path);
  return new HttpError(500, `internal error: ${cause instanceof Error ? cause.message : String(cause)}`, path);
}

function errorAnswer(err: unknown, task: RequestTask): RequestAnswer {
  const e = err instanceof ItemError ? itemHttpError(task.route, err.index, err.cause, task.budgetMs) : err;
  if (e instanceof HttpError) {
    return { error: e.path === undefined ? { status: e.status, message: e.detail } : { status: e.status, message: e.detail, path: e.path } };
  }
  return { error: { status: 500, message: `internal error: ${e instanceof Error ? e.message : String(e)}` } };
}
