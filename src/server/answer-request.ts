import { crashHook } from '../pool/crash-hook.js';
import { scoreItemsYielding, scoreOne } from '../pool/score-items.js';
import { HttpError } from './http-error.js';
import { parseJson, type JsonStepRewardOptions, type ParsedItem, type ParseLimits } from './parse-requests.js';
import { requestItems, type ScoreRoute } from './request-items.js';
import { responseBody } from './response-body.js';

/** A scoring request as sent to a server worker: the raw body and the server's settings. @internal */
export interface RequestTask {
  readonly route: ScoreRoute;
  /** The request body, UTF-8. */
  readonly body: Uint8Array;
  readonly limits: ParseLimits;
  readonly scoring: JsonStepRewardOptions;
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
 * `{ error }` (400 with a JSON path); anything else unexpected a 500.
 * @internal
 * @example
 * ```ts
 * answerRequest({ route: '/score', body: Buffer.from('{"items":[]}'), limits, scoring: {}, attempt: 0 });
 * //=> { text: '{"results":[]}', items: 0 }
 * ```
 */
export function answerRequest(task: RequestTask): RequestAnswer | Promise<never> {
  try {
    const items = taskItems(task);
    const crash = crashHook(items.map((i) => i.output), task.attempt);
    if (crash) return crash;
    return { text: JSON.stringify(responseBody(task.route, items.map(scoreOne))), items: items.length };
  } catch (err) {
    return errorAnswer(err);
  }
}

/**
 * {@link answerRequest} on the calling thread, scoring `chunkSize` items at a time and
 * yielding to the event loop in between, so that other requests, `/health` and timeouts
 * are served while a large request is scored; stops when `signal` aborts.
 * @internal
 * @example
 * ```ts
 * await answerRequestInThread(task, controller.signal); //=> { text: '{"rewards":[...]...}', items: 64 }
 * ```
 */
export async function answerRequestInThread(task: RequestTask, signal: AbortSignal, chunkSize = 64): Promise<RequestAnswer> {
  try {
    const items = taskItems(task);
    const crash = crashHook(items.map((i) => i.output), task.attempt);
    if (crash) return await crash;
    const results = await scoreItemsYielding(items, chunkSize, signal);
    return { text: JSON.stringify(responseBody(task.route, results)), items: items.length };
  } catch (err) {
    if (signal.aborted) throw err;
    return errorAnswer(err);
  }
}

function taskItems(task: RequestTask): ParsedItem[] {
  const text = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength).toString('utf8');
  return requestItems(task.route, parseJson(text), task.limits, task.scoring);
}

function errorAnswer(err: unknown): RequestAnswer {
  if (err instanceof HttpError) {
    const message = err.path === undefined ? err.message : err.message.slice(err.path.length + 2);
    return { error: err.path === undefined ? { status: err.status, message } : { status: err.status, message, path: err.path } };
  }
  return { error: { status: 500, message: `internal error: ${err instanceof Error ? err.message : String(err)}` } };
}
