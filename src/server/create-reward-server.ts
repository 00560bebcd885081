import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeType } from '../_lib/describe.js';
import type { ScorePool, ScorePoolStats } from '../pool/index.js';
import { itemHttpError } from './answer-request.js';
import { hasBearer } from './bearer.js';
import { decodeUtf8 } from './decode-utf8.js';
import { HttpError } from './http-error.js';
import { bodyEncoding, readBodyBytes } from './read-body.js';
import { parseJson, type JsonStepRewardOptions } from './parse-requests.js';
import { createRequestPool, type RequestPool } from './request-pool.js';
import { requestItems, type ScoreRoute } from './request-items.js';
import { responseBody } from './response-body.js';
import { resolveServerOptions } from './server-options.js';

/** One structured log line, written once per request. */
export interface RequestLogEntry {
  /** ISO time the response finished. */
  readonly time: string;
  /** HTTP method. */
  readonly method: string;
  /** Request path. */
  readonly path: string;
  /** Response status; 499 when the client closed the connection before the response. */
  readonly status: number;
  /** Items scored (0 when none). */
  readonly items: number;
  /** Milliseconds from request arrival to response end. */
  readonly ms: number;
  /** The error message of a failed request. */
  readonly error?: string;
}

/** Options of {@link createRewardServer}. */
export interface RewardServerOptions {
  /** Bind address (default `127.0.0.1`: loopback only; pass `0.0.0.0` deliberately). */
  readonly host?: string;
  /** Port (default 8000; 0 picks a free one). */
  readonly port?: number;
  /**
   * When set, every request except `GET /health` needs `Authorization: Bearer <token>`
   * (scheme case-insensitive; a non-ASCII token is compared as UTF-8 bytes). A non-empty
   * string without whitespace: `''` is a `TypeError` (no client could log in).
   */
  readonly token?: string;
  /**
   * Worker threads the server creates (default `os.availableParallelism()`; 0 = score on
   * the main thread). Each request's body goes to a worker as bytes and comes back as the
   * response text: parsing, validation, scoring and serialisation all run there, the main
   * thread does HTTP only. A request whose worker dies is retried once on a fresh worker.
   */
  readonly workers?: number;
  /**
   * A score pool to use instead (e.g. one shared with other code); the server does not
   * close it. Then the body is parsed and the response serialised on the main thread and
   * only the scoring runs in `pool`, which scales less well.
   */
  readonly pool?: Pick<ScorePool, 'score' | 'workers'>;
  /**
   * Largest request body in bytes (default 8 MiB) -> 413. A body sent with
   * `Content-Encoding: gzip`, `deflate` or `br` is decoded, and held to the same limit
   * decoded; another encoding is a 415.
   */
  readonly maxBodyBytes?: number;
  /** Longest query/prompt/label/output/target in UTF-16 units (default 100 000) -> 400. */
  readonly maxItemChars?: number;
  /** Most items in one request (default 16 384) -> 400. */
  readonly maxItems?: number;
  /**
   * Most requests being scored at once (default 64); beyond -> 503 with `Retry-After`. A
   * request counts only once its whole body has arrived, so clients that are slow to
   * upload cannot take the slots.
   */
  readonly maxConcurrent?: number;
  /**
   * Budget of one request in ms from its arrival (default 170 000, under OpenRLHF's 180 s
   * client timeout): scoring not done in time -> 504, and the scoring itself stops (inside
   * the matcher, in each of the server's own layouts; a `pool` you pass is aborted
   * through its signal, between items).
   */
  readonly requestTimeoutMs?: number;
  /**
   * Time to receive a request's body in ms (default 30 000, and never more than
   * `requestTimeoutMs`) -> 408 and the connection is closed. Headers have as long
   * (Node's `headersTimeout`).
   */
  readonly bodyTimeoutMs?: number;
  /**
   * On `close()`, how long connections still uploading a body may take before they are
   * closed, in ms (default 5 000); requests being scored are always answered.
   */
  readonly shutdownGraceMs?: number;
  /**
   * The work budget of one item, an operator's ceiling no client can raise (default
   * {@link DEFAULT_MAX_WORK}: at most 0.3 to 0.6 s of one core for a difflib item, measured,
   * up to 1.2 s for an lcs item at `maxItemChars`; `Infinity`: none).
   * An item whose comparison needs more is a 422 naming it. Real steps up to
   * `maxItemChars` stay far below it; adversarial ones (a long periodic string against its
   * reverse) hit it. See docs/server.md for what to raise for long agent steps.
   */
  readonly maxWork?: number;
  /**
   * Default step-reward options, under each item's own (JSON-safe subset). Its
   * `maxLength`, and `autojunk: true`, are ceilings too: a client may ask for a smaller
   * `maxLength`, never a larger one, and may not turn autojunk off (400 naming the option).
   */
  readonly scoring?: JsonStepRewardOptions;
  /** Receives one entry per request (default: a JSON line on stderr). */
  readonly logger?: (entry: RequestLogEntry) => void;
}

/** Where a listening {@link RewardServer} can be reached. */
export interface RewardServerAddress {
  /** The address the server listens on. */
  readonly host: string;
  /** The port it listens on (the real one when 0 was asked for). */
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
}

/** An HTTP reward server; see {@link createRewardServer}. */
export interface RewardServer {
  /**
   * Starts listening; resolves with the bound address.
   * @example
   * ```ts
   * const { url } = await server.listen(); //=> { host: '127.0.0.1', port: 8000, url: 'http://127.0.0.1:8000' }
   * ```
   */
  listen(): Promise<RewardServerAddress>;
  /**
   * Graceful: stops accepting, finishes in-flight requests, then closes the pool it created.
   * @example
   * ```ts
   * await server.close();
   * ```
   */
  close(): Promise<void>;
  /** The underlying `node:http` server. */
  readonly server: Server;
  /** Requests now being scored (their bodies have arrived). */
  readonly inFlight: number;
  /**
   * Counters of the server's own workers (tasks run, retried after a worker died, worker
   * deaths); all zero when a `pool` was passed in (see that pool's own `stats`).
   */
  readonly workerStats: Readonly<ScorePoolStats>;
}

function defaultLogger(entry: RequestLogEntry): void {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

/** Margin between the in-matcher deadline and the response timer, so that a worker stops itself (and is not replaced). */
function deadlineMargin(budgetMs: number): number {
  return Math.min(250, Math.floor(budgetMs / 10));
}

/**
 * Creates an HTTP server (plain `node:http`, Node only) that computes SRL step rewards:
 *
 * - `POST /reward`: the OpenRLHF remote reward-model protocol,
 *   `{ query, prompts, labels }` -> `{ rewards, scores, extra_logs: { format_ok } }`;
 * - `POST /score`: `{ items: [{ output, target, options? }] }` -> `{ results: [{ reward, ok, reason? }] }`;
 * - `GET /health`: `{ status: 'ok', workers, inFlight, receiving, pid }`.
 *
 * Errors are JSON `{ "error": { "status", "message", "path"? } }`. Bodies, items, the work
 * of each item and concurrency are bounded (413, 400, 422, 503); bodies and scoring have
 * time budgets (408, 504) that stop the work (a `pool` you pass: through its signal). Every option is checked
 * here: a wrong type is a `TypeError`, a value out of range a `RangeError`, an unknown key
 * a `TypeError` naming the nearest valid one.
 *
 * @param options - Bind address, token, limits, pool and default scoring options.
 * @returns The server, not yet listening.
 * @example
 * ```ts
 * import { closeOnSignals, createRewardServer } from 'srl-kit/server';
 * const server = createRewardServer({ port: 8000, token: process.env.SRL_TOKEN });
 * const { url } = await server.listen();
 * closeOnSignals(server);
 * console.log(`OpenRLHF: --remote_rm_url ${url}/reward`);
 * ```
 */
export function createRewardServer(options: RewardServerOptions = {}): RewardServer {
  const o = resolveServerOptions(options);
  const { maxBodyBytes, maxConcurrent, requestTimeoutMs, shutdownGraceMs, limits, scoring, ceilings, token } = o;
  const bodyTimeoutMs = Math.min(o.bodyTimeoutMs, requestTimeoutMs);
  const userPool = options.pool;
  if (userPool !== undefined && (userPool === null || typeof userPool.score !== 'function')) {
    throw new TypeError(`createRewardServer: option 'pool' must be a ScorePool (an object with score()), got ${describeType(userPool)}`);
  }
  if (options.logger !== undefined && typeof options.logger !== 'function') {
    throw new TypeError(`createRewardServer: option 'logger' must be a function, got ${describeType(options.logger)}`);
  }
  const logger = options.logger ?? defaultLogger;
  const workerCount = o.workers;
  let requestPool: RequestPool | undefined;
  const getRequestPool = (): RequestPool => (requestPool ??= createRequestPool(workerCount, { limits, scoring, ceilings }));
  const noStats: ScorePoolStats = { tasks: 0, retried: 0, workerCrashes: 0 };

  let inFlight = 0;
  /** Requests still receiving their body, with their sockets (closed after the shutdown grace). */
  const receiving = new Set<IncomingMessage>();
  let closing = false;
  let settled: (() => void) | undefined;
  const maybeSettled = (): void => {
    if (settled !== undefined && inFlight === 0 && receiving.size === 0) settled();
  };

  const tooBusy = (): HttpError =>
    new HttpError(503, `too many requests being scored (maxConcurrent ${maxConcurrent})`, undefined, { 'Retry-After': '1' });

  /** The response text of a scoring request (or throws the HttpError to answer with). */
  async function scoreRequest(route: ScoreRoute, bytes: Buffer, signal: AbortSignal, deadline: number): Promise<{ text: string; items: number }> {
    if (userPool !== undefined) {
      const items = requestItems(route, parseJson(decodeUtf8(bytes)), limits, scoring, ceilings);
      let results;
      try {
        results = await userPool.score(items, signal);
      } catch (err) {
        // srl-kit's pools name the failed item (`item`) and keep the scorer's error as `cause`.
        const item = (err as { item?: unknown } | null)?.item;
        if (typeof item === 'number' && err instanceof Error) throw itemHttpError(route, item, err.cause ?? err, requestTimeoutMs);
        throw err;
      }
      if (results.length !== items.length) throw new Error(`pool returned ${results.length} results for ${items.length} items`);
      return { text: JSON.stringify(responseBody(route, results)), items: items.length };
    }
    const answer = await getRequestPool().answer(route, bytes, signal, deadline, requestTimeoutMs);
    if ('error' in answer) throw new HttpError(answer.error.status, answer.error.message, answer.error.path);
    return answer;
  }

  /**
   * Ends the connection once `res` is sent, without reading what is left of the request
   * body: the socket is half-closed, and destroyed a moment later if the client keeps
   * sending.
   */
  function closeAfter(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const end = (): void => {
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    };
    if (res.writableFinished) end();
    else res.once('finish', end);
    res.once('close', () => req.unpipe());
  }

  function send(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}, close = false): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...(close || closing ? { Connection: 'close' } : {}),
      ...headers,
    });
    res.end(text);
  }

  const server = createServer(
    // Headers get as long as a body; Node's own whole-request timer is off (ours is per phase).
    { headersTimeout: bodyTimeoutMs, requestTimeout: 0, connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(bodyTimeoutMs / 4))) },
    (req, res) => {
      const start = performance.now();
      const startEpoch = Date.now();
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const method = req.method ?? 'GET';
      let items = 0;
      let errorMessage: string | undefined;
      let logged = false;
      const log = (status: number, error: string | undefined): void => {
        if (logged) return;
        logged = true;
        const entry: RequestLogEntry = {
          time: new Date().toISOString(), method, path, status, items,
          ms: Math.round((performance.now() - start) * 100) / 100,
          ...(error === undefined ? {} : { error }),
        };
        try {
          logger(entry);
        } catch {
          // A failing logger must not take the server down.
        }
      };
      res.on('finish', () => log(res.statusCode, errorMessage));
      res.on('close', () => {
        if (!res.writableFinished) log(499, errorMessage ?? 'the client closed the connection before the response');
      });
      const fail = (err: unknown, close: boolean): void => {
        const e = err instanceof HttpError ? err : new HttpError(500, `internal error: ${err instanceof Error ? err.message : String(err)}`);
        errorMessage = e.message;
        // The same body in every layout: the path in its own field, the message without it.
        const error = e.path === undefined ? { status: e.status, message: e.detail } : { status: e.status, message: e.detail, path: e.path };
        send(res, e.status, JSON.stringify({ error }), e.headers, close);
        if (close) closeAfter(req, res);
      };
      // A request that may carry a body we will not read: answer it and close the connection.
      const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;

      if (path === '/health') {
        if (method !== 'GET' && method !== 'HEAD') return fail(new HttpError(405, 'use GET', undefined, { Allow: 'GET' }), hasBody);
        const workers = userPool?.workers ?? workerCount;
        const text = JSON.stringify({ status: closing ? 'closing' : 'ok', workers, inFlight, receiving: receiving.size, pid: process.pid });
        return send(res, 200, text, {}, hasBody);
      }
      if (path !== '/reward' && path !== '/score') return fail(new HttpError(404, `no route for ${method} ${path}`), hasBody);
      if (method !== 'POST') return fail(new HttpError(405, 'use POST', undefined, { Allow: 'POST' }), hasBody);
      if (closing) return fail(new HttpError(503, 'server is shutting down', undefined, { 'Retry-After': '1' }), true);
      // Saturated: refuse at once rather than read a body that could not be scored now.
      if (inFlight >= maxConcurrent) return fail(tooBusy(), true);
      if (token !== undefined && !hasBearer(req.headers.authorization, token)) {
        return fail(new HttpError(401, 'missing or wrong bearer token', undefined, { 'WWW-Authenticate': 'Bearer' }), true);
      }
      void answer(req, res, path, startEpoch, fail).then((r) => {
        if (r !== undefined) items = r;
      });
    },
  );

  /** Receives the body, then scores it; resolves with the number of items scored. */
  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    route: ScoreRoute,
    startEpoch: number,
    fail: (err: unknown, close: boolean) => void,
  ): Promise<number | undefined> {
    // 1. The body, under its own time limit; not yet counted against maxConcurrent.
    let bytes: Buffer;
    receiving.add(req);
    const reading = new AbortController();
    const bodyTimer = setTimeout(() => reading.abort(new HttpError(408, `request body not received within ${bodyTimeoutMs} ms`)), bodyTimeoutMs);
    const onLeave = (): void => reading.abort(new HttpError(400, 'the client closed the connection before sending the whole body'));
    res.once('close', onLeave);
    try {
      bytes = await readBodyBytes(req, maxBodyBytes, bodyEncoding(req), reading.signal);
    } catch (err) {
      fail(err, true);
      return undefined;
    } finally {
      clearTimeout(bodyTimer);
      res.off('close', onLeave);
      receiving.delete(req);
      maybeSettled();
    }
    if (res.headersSent || res.destroyed) return undefined; // the client left

    // 2. Scoring, once a slot is free, within what is left of the request budget.
    if (inFlight >= maxConcurrent) {
      fail(tooBusy(), false);
      return undefined;
    }
    inFlight++;
    const controller = new AbortController();
    const remaining = Math.max(0, startEpoch + requestTimeoutMs - Date.now());
    const deadline = Date.now() + Math.max(0, remaining - deadlineMargin(requestTimeoutMs));
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      res.off('close', onClose);
      inFlight--;
      maybeSettled();
    };
    const timer = setTimeout(() => {
      controller.abort();
      fail(new HttpError(504, `scoring did not finish within ${requestTimeoutMs} ms`), true);
      finish();
    }, remaining);
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort();
      finish();
    };
    res.on('close', onClose);
    try {
      const r = await scoreRequest(route, bytes, controller.signal, deadline);
      send(res, 200, r.text);
      return r.items;
    } catch (err) {
      if (!controller.signal.aborted) fail(err, false);
      return undefined;
    } finally {
      finish();
    }
  }

  server.on('clientError', (err, socket) => {
    if (socket.writable) {
      const text = JSON.stringify({ error: { status: 400, message: `bad request: ${err.message}` } });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    } else {
      socket.destroy();
    }
  });

  let closePromise: Promise<void> | undefined;
  return {
    server,
    get inFlight() {
      return inFlight;
    },
    get workerStats() {
      return requestPool?.stats ?? noStats;
    },
    listen() {
      // Start the workers now: a missing worker file fails here, not on the first request.
      if (userPool === undefined) getRequestPool();
      return new Promise<RewardServerAddress>((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        server.once('error', onError);
        server.listen(o.port, o.host, () => {
          server.off('error', onError);
          const addr = server.address() as AddressInfo;
          const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          resolve({ host: addr.address, port: addr.port, url: `http://${h}:${addr.port}` });
        });
      });
    },
    close() {
      closePromise ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => {
          if (!server.listening) {
            resolve();
            return;
          }
          server.close(() => resolve());
        });
        server.closeIdleConnections();
        // Uploads still under way get the grace period, then their connections are closed;
        // requests being scored are answered (their own deadline bounds them).
        const grace = setTimeout(() => {
          for (const req of receiving) req.socket.destroy();
        }, shutdownGraceMs);
        if (inFlight > 0 || receiving.size > 0) await new Promise<void>((resolve) => (settled = resolve));
        clearTimeout(grace);
        // Whatever is left (idle keep-alive, half-sent headers) is closed now.
        server.closeAllConnections();
        await stopped;
        if (requestPool !== undefined) await requestPool.close();
      })();
      return closePromise;
    },
  };
}
