import { spawn, spawnSync } from 'node:child_process';

/** The tsx binary and the CLI's source, relative to the repository root (the test's cwd). */
export const TSX = 'node_modules/.bin/tsx';
export const SRL = 'src/cli/srl.ts';

/** What a finished run of `srl` printed. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `srl ...args` from source to completion (stderr is a pipe: no progress bars). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(TSX, [SRL, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `srl ...args` without waiting for it. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof spawn> {
  return spawn(TSX, [SRL, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
