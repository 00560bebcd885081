import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import type { ScorePool, ScorePoolStats } from '../pool/index.js';
import { optionalIntOption } from '../_lib/assert.js';
import { HttpError } from './http-error.js';
import { readBodyBytes } from './read-body.js';
import { parseJson, parseOptions, type JsonStepRewardOptions, type ParseLimits } from './parse-requests.js';
import { createRequestPool, type RequestPool } from './request-pool.js';
import { requestItems, type ScoreRoute } from './request-items.js';
import { responseBody } from './response-body.js';

/** One structured log line, written once per request. */
export interface RequestLogEntry {
  /** ISO time the response finished. */
  readonly time: string;
  /** HTTP method. */
  readonly method: string;
  /** Request path. */
  readonly path: string;
  /** Response status. */
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
  /** When set, every request except `GET /health` needs `Authorization: Bearer <token>`. */
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
  /** Largest request body in bytes (default 8 MiB) -> 413. */
  readonly maxBodyBytes?: number;
  /** Longest query/prompt/label/output/target in UTF-16 units (default 100 000) -> 400. */
  readonly maxItemChars?: number;
  /** Most items in one request (default 16 384) -> 400. */
  readonly maxItems?: number;
  /** Most scoring requests in flight (default 64); beyond -> 503 with `Retry-After`. */
  readonly maxConcurrent?: number;
  /**
   * Budget of one request in ms (default 170 000, under OpenRLHF's 180 s client timeout):
   * body not received in time -> 408, scoring not done in time -> 504.
   */
  readonly requestTimeoutMs?: number;
  /** Default step-reward options, under each item's own (JSON-safe subset). */
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
  /** Scoring requests now in flight. */
  readonly inFlight: number;
  /**
   * Counters of the server's own workers (tasks run, retried after a worker died, worker
   * deaths); all zero when a `pool` was passed in (see that pool's own `stats`).
   */
  readonly workerStats: Readonly<ScorePoolStats>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  maxBodyBytes: 8 * 1024 * 1024,
  maxItemChars: 100_000,
  maxItems: 16_384,
  maxConcurrent: 64,
  requestTimeoutMs: 170_000,
} as const;

function defaultLogger(entry: RequestLogEntry): void {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

/** The `scoring` option, checked by the same rules as a request's `options` (TypeError naming the key). */
function checkScoring(scoring: JsonStepRewardOptions | undefined): JsonStepRewardOptions {
  if (scoring === undefined) return {};
  try {
    return parseOptions(scoring, 'scoring');
  } catch (err) {
    if (err instanceof HttpError) throw new TypeError(`createRewardServer: option ${err.message}`);
    throw err;
  }
}

/** Compares a header with the expected `Bearer <token>` in constant time. */
function sameSecret(got: string | undefined, expected: string): boolean {
  const a = Buffer.from(got ?? '', 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Creates an HTTP server (plain `node:http`, Node only) that computes SRL step rewards:
 *
 * - `POST /reward`: the OpenRLHF remote reward-model protocol,
 *   `{ query, prompts, labels }` -> `{ rewards, scores, extra_logs: { format_ok } }`;
 * - `POST /score`: `{ items: [{ output, target, options? }] }` -> `{ results: [{ reward, ok, reason? }] }`;
 * - `GET /health`: `{ status: 'ok', workers, inFlight, pid }`.
 *
 * Errors are JSON `{ "error": { "status", "message", "path"? } }`. Bodies, items and
 * concurrency are bounded (413, 400, 503) and each request has a time budget (408/504).
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
  const host = options.host ?? DEFAULTS.host;
  const port = options.port ?? DEFAULTS.port;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const maxConcurrent = options.maxConcurrent ?? DEFAULTS.maxConcurrent;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const limits: ParseLimits = {
    maxItemChars: options.maxItemChars ?? DEFAULTS.maxItemChars,
    maxItems: options.maxItems ?? DEFAULTS.maxItems,
  };
  const scoring = checkScoring(options.scoring);
  const logger = options.logger ?? defaultLogger;
  const expectedAuth = options.token === undefined ? undefined : `Bearer ${options.token}`;
  const userPool = options.pool;
  const workerCount = optionalIntOption(options.workers, 'createRewardServer', 'workers', 0) ?? availableParallelism();
  let requestPool: RequestPool | undefined;
  const getRequestPool = (): RequestPool => (requestPool ??= createRequestPool(workerCount, limits, scoring));
  const noStats: ScorePoolStats = { tasks: 0, retried: 0, workerCrashes: 0 };

  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;

  /** The response text of a scoring request (or throws the HttpError to answer with). */
  async function scoreRequest(route: ScoreRoute, bytes: Buffer, signal: AbortSignal): Promise<{ text: string; items: number }> {
    if (userPool !== undefined) {
      const items = requestItems(route, parseJson(bytes.toString('utf8')), limits, scoring);
      const results = await userPool.score(items, signal);
      if (results.length !== items.length) throw new Error(`pool returned ${results.length} results for ${items.length} items`);
      return { text: JSON.stringify(responseBody(route, results)), items: items.length };
    }
    const answer = await getRequestPool().answer(route, bytes, signal);
    if ('error' in answer) throw new HttpError(answer.error.status, answer.error.message, answer.error.path);
    return answer;
  }

  async function handle(req: IncomingMessage, path: string, signal: AbortSignal, phase: { body: boolean }): Promise<{ status: number; text: string; items: number }> {
    const method = req.method ?? 'GET';
    if (path === '/health') {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'use GET', undefined, { Allow: 'GET' });
      const workers = userPool?.workers ?? workerCount;
      return { status: 200, text: JSON.stringify({ status: closing ? 'closing' : 'ok', workers, inFlight, pid: process.pid }), items: 0 };
    }
    if (path !== '/reward' && path !== '/score') throw new HttpError(404, `no route for ${method} ${path}`);
    if (method !== 'POST') throw new HttpError(405, 'use POST', undefined, { Allow: 'POST' });
    if (expectedAuth !== undefined && !sameSecret(req.headers.authorization, expectedAuth)) {
      throw new HttpError(401, 'missing or wrong bearer token', undefined, { 'WWW-Authenticate': 'Bearer' });
    }
    phase.body = true;
    const bytes = await readBodyBytes(req, maxBodyBytes);
    phase.body = false;
    const { text, items } = await scoreRequest(path, bytes, signal);
    return { status: 200, text, items };
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

  const server = createServer((req, res) => {
    const start = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const counted = path !== '/health';
    let items = 0;
    let errorMessage: string | undefined;
    res.on('finish', () => {
      const entry: RequestLogEntry = {
        time: new Date().toISOString(), method, path, status: res.statusCode, items,
        ms: Math.round((performance.now() - start) * 100) / 100,
        ...(errorMessage === undefined ? {} : { error: errorMessage }),
      };
      try {
        logger(entry);
      } catch {
        // A failing logger must not take the server down.
      }
    });
    const fail = (err: unknown, close: boolean): void => {
      const e = err instanceof HttpError ? err : new HttpError(500, `internal error: ${err instanceof Error ? err.message : String(err)}`);
      errorMessage = e.message;
      const error = e.path === undefined ? { status: e.status, message: e.message } : { status: e.status, message: e.message, path: e.path };
      send(res, e.status, JSON.stringify({ error }), e.headers, close);
    };
    if (counted && inFlight >= maxConcurrent) {
      fail(new HttpError(503, `too many requests in flight (maxConcurrent ${maxConcurrent})`, undefined, { 'Retry-After': '1' }), true);
      return;
    }
    if (closing && counted) {
      fail(new HttpError(503, 'server is shutting down', undefined, { 'Retry-After': '1' }), true);
      return;
    }
    if (counted) inFlight++;
    const controller = new AbortController();
    const phase = { body: false };
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (counted) {
        inFlight--;
        if (inFlight === 0 && drained !== undefined) drained();
      }
    };
    const timer = setTimeout(() => {
      const inBody = phase.body;
      controller.abort();
      fail(
        inBody
          ? new HttpError(408, `request body not received within ${requestTimeoutMs} ms`)
          : new HttpError(504, `scoring did not finish within ${requestTimeoutMs} ms`),
        true,
      );
      if (inBody) req.pause();
      finish();
    }, requestTimeoutMs);
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
      finish();
    });
    handle(req, path, controller.signal, phase).then(
      (r) => {
        items = r.items;
        send(res, r.status, r.text);
        finish();
      },
      (err: unknown) => {
        // After a 413 or a timeout the rest of the body is left unread: close the connection.
        fail(err, phase.body);
        finish();
      },
    );
  });
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
        server.listen(port, host, () => {
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
        if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
        server.closeIdleConnections();
        await stopped;
        if (requestPool !== undefined) await requestPool.close();
      })();
      return closePromise;
    },
  };
}
