import { spawn, spawnSync } from 'node:child_process';
import { expect } from 'vitest';

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

/** Exactly one non-empty line on stderr, starting with the command (no stack trace); returns it. */
export function oneLine(stderr: string, prefix: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${prefix}: `));
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

/** The URL `srl serve` prints on stdout; rejects if the process exits first. */
export function servedUrl(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /(http:\/\/\S+)\n/.exec(buf);
      if (m !== null) resolve(m[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
}
