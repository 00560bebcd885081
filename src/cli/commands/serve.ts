import { closeOnSignals, createRewardCluster, createRewardServer, DEFAULT_MAX_WORK, HttpError, parseOptions, type JsonStepRewardOptions } from '../../server/index.js';
import { CliError } from '../errors.js';
import { jsonObjectOption } from '../parse-option.js';
import { integerValue, parseCommandArgs, positionalArgs, stringValue } from '../args.js';

/** `srl serve --help`. */
export const SERVE_HELP = `Usage: srl serve [options]

Starts the SRL reward server: POST /score ({items: [{output, target}]}),
POST /reward (OpenRLHF's remote reward protocol), GET /health. Prints the URL
on stdout; SIGTERM or SIGINT closes it gracefully (in-flight requests finish).

One process (the default) does HTTP on its main thread and parses and scores
on --workers threads; a worker that dies is replaced and its request retried.
--processes N runs N such processes on one port (node:cluster), each scoring
on its own thread unless --workers is given: the fastest layout (use one per
core); a process that dies is replaced, its in-flight requests fail and
clients retry them.

Options:
  --host <host>       address to bind                               [127.0.0.1]
  --port <N>          port; 0 picks a free one                      [8000]
  --workers <N>       scoring threads per process; 0 = the server thread
                      [CPU count; 0 with --processes]
  --processes <N>     server processes sharing the port              [1]
  --token <T>         require "Authorization: Bearer T" (default: env SRL_TOKEN;
                      an empty token is refused)
  --max-body-mb <N>   largest request body in MiB (413 beyond)                [8]
  --max-item-chars <N>  longest compared string: response, label, output,
                      target (400 beyond; prompts are not limited)    [100000]
  --max-work <N|none> work budget of one item, in work units (422 beyond; at
                      most 0.3-0.6 s of one core for a difflib item, measured;
                      "none": no budget)                       [${DEFAULT_MAX_WORK}]
  --max-concurrent <N>  requests being scored at once (503 beyond)           [64]
  --timeout-s <N>     budget of one request in seconds (504 beyond; the
                      scoring itself is stopped)                         [170]
  --body-timeout-s <N>  time to receive a request body (408 beyond)          [30]
  --shutdown-grace-s <N>  on SIGTERM, how long unfinished uploads may take    [5]
  --scoring <json>    default reward options, under each item's own, e.g.
                      '{"parse":{"implicitOpen":true}}' when the chat template
                      ends the prompt with <think>; its maxLength (and
                      autojunk: true) are also ceilings clients cannot exceed
  -h, --help          show this help

Examples:
  SRL_TOKEN=secret srl serve --port 8000 --workers 4
  srl serve --processes $(nproc)
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  workers: { type: 'string' },
  processes: { type: 'string' },
  token: { type: 'string' },
  scoring: { type: 'string' },
  'max-body-mb': { type: 'string' },
  'max-item-chars': { type: 'string' },
  'max-work': { type: 'string' },
  'max-concurrent': { type: 'string' },
  'timeout-s': { type: 'string' },
  'body-timeout-s': { type: 'string' },
  'shutdown-grace-s': { type: 'string' },
} as const;

/** `--max-work`: a positive integer, or `none` for no budget. */
function maxWorkValue(args: Parameters<typeof stringValue>[0]): number | undefined {
  const v = stringValue(args, 'max-work');
  if (v === undefined) return undefined;
  if (v.trim().toLowerCase() === 'none') return Infinity;
  return integerValue(args, 'max-work', 1);
}

/** `--scoring <json>`, checked exactly as the server checks a request's `options`. */
function scoringValue(text: string | undefined): JsonStepRewardOptions | undefined {
  if (text === undefined) return undefined;
  const json = jsonObjectOption('scoring', text);
  try {
    return parseOptions(json, '$');
  } catch (err) {
    if (err instanceof HttpError) throw new CliError(`option --scoring: ${err.message}`, 2);
    throw err;
  }
}

/**
 * `srl serve`: the reward server until SIGTERM/SIGINT.
 * @param argv - The arguments after `serve`.
 */
export async function serveCommand(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs(argv, OPTIONS);
  if (args.values['help'] === true) {
    process.stdout.write(SERVE_HELP);
    return;
  }
  positionalArgs(args, []);
  const host = stringValue(args, 'host') ?? '127.0.0.1';
  const port = integerValue(args, 'port', 0, 65535) ?? 8000;
  const workers = integerValue(args, 'workers', 0);
  const envToken = process.env['SRL_TOKEN'];
  const flagToken = stringValue(args, 'token');
  if (flagToken !== undefined && flagToken.trim() === '') {
    throw new CliError('option --token must not be empty: no client could log in (leave it out to run without a token)', 2);
  }
  const token = flagToken ?? (envToken === undefined || envToken === '' ? undefined : envToken);
  if (token !== undefined && /[\s\u0000-\u001f\u007f]/.test(token)) {
    throw new CliError(`${flagToken === undefined ? 'SRL_TOKEN' : 'option --token'} must not contain whitespace or control characters`, 2);
  }
  const processes = integerValue(args, 'processes', 1) ?? 1;
  const scoring = scoringValue(stringValue(args, 'scoring'));
  const maxBodyMb = integerValue(args, 'max-body-mb', 1, 4096);
  const maxItemChars = integerValue(args, 'max-item-chars', 1);
  const maxWork = maxWorkValue(args);
  const maxConcurrent = integerValue(args, 'max-concurrent', 1);
  const timeoutS = integerValue(args, 'timeout-s', 1, 2_147_483);
  const bodyTimeoutS = integerValue(args, 'body-timeout-s', 1, 2_147_483);
  const graceS = integerValue(args, 'shutdown-grace-s', 0, 2_147_483);
  const options = {
    host,
    port,
    ...(maxWork === undefined ? {} : { maxWork }),
    ...(maxConcurrent === undefined ? {} : { maxConcurrent }),
    ...(timeoutS === undefined ? {} : { requestTimeoutMs: timeoutS * 1000 }),
    ...(bodyTimeoutS === undefined ? {} : { bodyTimeoutMs: bodyTimeoutS * 1000 }),
    ...(graceS === undefined ? {} : { shutdownGraceMs: graceS * 1000 }),
    ...(maxBodyMb === undefined ? {} : { maxBodyBytes: maxBodyMb * 1024 * 1024 }),
    ...(maxItemChars === undefined ? {} : { maxItemChars }),
    ...(scoring === undefined ? {} : { scoring }),
    ...(workers === undefined ? {} : { workers }),
    ...(token === undefined ? {} : { token }),
  };
  let server;
  try {
    server = processes > 1 ? createRewardCluster({ ...options, processes }) : createRewardServer(options);
  } catch (err) {
    // The library checks its options (e.g. at most max(16, 4 x cores) workers): a usage error here.
    if (err instanceof TypeError || err instanceof RangeError) throw new CliError(err.message, 2);
    throw err;
  }
  const address = await server.listen();
  closeOnSignals(server);
  process.stdout.write(`${address.url}\n`);
  const layout = processes > 1 ? `${processes} processes x ${workers ?? 0} worker threads` : `${workers ?? 'one per core'} worker threads`;
  process.stderr.write(
    `srl serve: listening on ${address.url} (POST /score, POST /reward, GET /health; ${layout})${token === undefined ? '' : ', token required'}\n`,
  );
}
