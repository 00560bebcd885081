import { closeOnSignals, createRewardServer } from '../../server/index.js';
import { integerValue, parseCommandArgs, positionalArgs, stringValue } from '../args.js';

/** `srl serve --help`. */
export const SERVE_HELP = `Usage: srl serve [options]

Starts the SRL reward server: POST /score ({items: [{output, target}]}),
POST /reward (OpenRLHF's remote reward protocol), GET /health. Prints the URL
on stdout; SIGTERM or SIGINT closes it gracefully (in-flight requests finish).

Options:
  --host <host>       address to bind                               [127.0.0.1]
  --port <N>          port; 0 picks a free one                      [8000]
  --workers <N>       scoring worker threads; 0 scores in the server thread  [CPU count]
  --token <T>         require "Authorization: Bearer T" (default: env SRL_TOKEN)
  -h, --help          show this help

Example:
  SRL_TOKEN=secret srl serve --port 8000 --workers 4
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  workers: { type: 'string' },
  token: { type: 'string' },
} as const;

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
  const workers = integerValue(args, 'workers', 0, 256);
  const envToken = process.env['SRL_TOKEN'];
  const token = stringValue(args, 'token') ?? (envToken === undefined || envToken === '' ? undefined : envToken);
  const server = createRewardServer({
    host,
    port,
    ...(workers === undefined ? {} : { workers }),
    ...(token === undefined ? {} : { token }),
  });
  const address = await server.listen();
  closeOnSignals(server);
  process.stdout.write(`${address.url}\n`);
  process.stderr.write(
    `srl serve: listening on ${address.url} (POST /score, POST /reward, GET /health)${token === undefined ? '' : ', token required'}\n`,
  );
}
