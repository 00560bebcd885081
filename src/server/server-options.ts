import { availableParallelism } from 'node:os';
import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, intOption } from '../_lib/options.js';
import { maxWorkers } from '../pool/worker-threads.js';
import { HttpError } from './http-error.js';
import { parseOptions, type JsonStepRewardOptions, type ScoringCeilings } from './parse-requests.js';

/**
 * The default work budget of one item (`maxWork`): an item whose comparison needs more
 * work units than this is a 422. Chosen from `npm run bench:adversarial` so that an
 * admitted difflib item costs at most 0.3 to 0.6 s of one core (measured on a quiet
 * 2-core machine; an lcs item of 100 000 characters a side up to 1.2 s), while real steps up to
 * `maxItemChars` (100 000 characters a side) stay below it (docs/server.md, "Limits").
 *
 * @example
 * ```ts
 * import { createRewardServer, DEFAULT_MAX_WORK } from 'srl-kit/server';
 * createRewardServer({ maxWork: 10 * DEFAULT_MAX_WORK }); // trusted clients with long, repetitive steps
 * ```
 */
export const DEFAULT_MAX_WORK = 100_000_000;

/** Server option defaults (docs/server.md, "Options and limits"). @internal */
export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  maxBodyBytes: 8 * 1024 * 1024,
  maxItemChars: 100_000,
  maxItems: 16_384,
  maxConcurrent: 64,
  requestTimeoutMs: 170_000,
  bodyTimeoutMs: 30_000,
  shutdownGraceMs: 5_000,
  maxWork: DEFAULT_MAX_WORK,
} as const;

/** The keys of `RewardServerOptions`, for the unknown-option check. @internal */
export const SERVER_OPTION_KEYS = [
  'host',
  'port',
  'token',
  'workers',
  'pool',
  'maxBodyBytes',
  'maxItemChars',
  'maxItems',
  'maxConcurrent',
  'requestTimeoutMs',
  'bodyTimeoutMs',
  'shutdownGraceMs',
  'maxWork',
  'scoring',
  'logger',
] as const;

/** The server's options after defaults and checks. @internal */
export interface ResolvedServerOptions {
  readonly host: string;
  readonly port: number;
  /** The expected token as UTF-8 bytes, when one is required. */
  readonly token: Buffer | undefined;
  readonly workers: number;
  readonly maxBodyBytes: number;
  readonly maxConcurrent: number;
  readonly requestTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly limits: { readonly maxItemChars: number; readonly maxItems: number };
  readonly scoring: JsonStepRewardOptions;
  readonly ceilings: ScoringCeilings;
}

/** What {@link resolveServerOptions} reads; the public type is `RewardServerOptions`. @internal */
export interface ServerOptionsInput {
  readonly host?: unknown;
  readonly port?: unknown;
  readonly token?: unknown;
  readonly workers?: unknown;
  readonly maxBodyBytes?: unknown;
  readonly maxItemChars?: unknown;
  readonly maxItems?: unknown;
  readonly maxConcurrent?: unknown;
  readonly requestTimeoutMs?: unknown;
  readonly bodyTimeoutMs?: unknown;
  readonly shutdownGraceMs?: unknown;
  readonly maxWork?: unknown;
  readonly scoring?: unknown;
}

const FN = 'createRewardServer';
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Checks every option of `createRewardServer` when the server is created (a wrong type is
 * a `TypeError`, a value out of range a `RangeError`, an unknown key a `TypeError` naming
 * the nearest valid one) and fills in the defaults.
 * @internal
 * @example
 * ```ts
 * resolveServerOptions({ maxConcurrent: 8 }).maxConcurrent; //=> 8
 * ```
 */
export function resolveServerOptions(options: ServerOptionsInput, extraKeys: readonly string[] = []): ResolvedServerOptions {
  assertOptions(options, FN);
  assertKnownKeys(options, [...SERVER_OPTION_KEYS, ...extraKeys], FN);
  const host = options.host ?? SERVER_DEFAULTS.host;
  if (typeof host !== 'string' || host === '') throw new TypeError(`${FN}: option 'host' must be a non-empty string, got ${describeType(host)}`);
  const token = options.token;
  if (token !== undefined && (typeof token !== 'string' || token === '')) {
    // An empty token would start a server no client can log in to.
    throw new TypeError(`${FN}: option 'token' must be a non-empty string (or left out for no token), got ${token === '' ? "''" : describeType(token)}`);
  }
  if (typeof token === 'string' && /[\s\u0000-\u001f\u007f]/.test(token)) {
    throw new TypeError(`${FN}: option 'token' must not contain whitespace or control characters (they cannot be sent in an Authorization header)`);
  }
  const maxWork = options.maxWork ?? SERVER_DEFAULTS.maxWork;
  if (maxWork !== Infinity) intOption(maxWork, FN, 'maxWork', 1, Number.MAX_SAFE_INTEGER);
  const maxItemChars = intOption(options.maxItemChars, FN, 'maxItemChars', 1, Number.MAX_SAFE_INTEGER) ?? SERVER_DEFAULTS.maxItemChars;
  let scoring: JsonStepRewardOptions = {};
  if (options.scoring !== undefined) {
    try {
      scoring = parseOptions(options.scoring, 'scoring');
    } catch (err) {
      if (err instanceof HttpError) throw new TypeError(`${FN}: option ${err.message}`);
      throw err;
    }
  }
  return {
    host,
    port: intOption(options.port, FN, 'port', 0, 65_535) ?? SERVER_DEFAULTS.port,
    token: typeof token === 'string' ? Buffer.from(token, 'utf8') : undefined,
    workers: intOption(options.workers, FN, 'workers', 0, maxWorkers()) ?? availableParallelism(),
    maxBodyBytes: intOption(options.maxBodyBytes, FN, 'maxBodyBytes', 1, 2 ** 31 - 1) ?? SERVER_DEFAULTS.maxBodyBytes,
    maxConcurrent: intOption(options.maxConcurrent, FN, 'maxConcurrent', 1, Number.MAX_SAFE_INTEGER) ?? SERVER_DEFAULTS.maxConcurrent,
    requestTimeoutMs: intOption(options.requestTimeoutMs, FN, 'requestTimeoutMs', 1, MAX_TIMER_MS) ?? SERVER_DEFAULTS.requestTimeoutMs,
    bodyTimeoutMs: intOption(options.bodyTimeoutMs, FN, 'bodyTimeoutMs', 1, MAX_TIMER_MS) ?? SERVER_DEFAULTS.bodyTimeoutMs,
    shutdownGraceMs: intOption(options.shutdownGraceMs, FN, 'shutdownGraceMs', 0, MAX_TIMER_MS) ?? SERVER_DEFAULTS.shutdownGraceMs,
    limits: {
      maxItemChars,
      maxItems: intOption(options.maxItems, FN, 'maxItems', 1, Number.MAX_SAFE_INTEGER) ?? SERVER_DEFAULTS.maxItems,
    },
    scoring,
    ceilings: {
      maxWork: maxWork as number,
      ...(scoring.maxLength === undefined ? {} : { maxLength: scoring.maxLength }),
      ...(scoring.autojunk === true ? { autojunk: true } : {}),
    },
  };
}
