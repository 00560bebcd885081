import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/** Runs `srl ...args` from source without blocking the test's event loop, so that several runs can overlap. */
export function runCliAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What {@link interruptMidWrite} saw. */
export interface InterruptedRun extends CliResult {
  /** The files of the output's folder being written when the signal was sent. */
  readonly writing: readonly string[];
}

/**
 * Starts `srl ...args`, waits until the output is being written, under whatever name:
 * a file of `dir` other than `before` has bytes in it, or one of `before` changed
 * size; then sends `signal` and waits for the exit. Fails if the run ends first.
 *
 * The CLI runs in one Node process (`node --import tsx`), as the installed `srl` does:
 * the `tsx` command would relay the signal to a child process and SIGKILL it unless
 * it answers within 30 ms, which a process busy encoding a row group does not.
 */
export async function interruptMidWrite(args: readonly string[], dir: string, before: readonly string[], signal: NodeJS.Signals = 'SIGINT'): Promise<InterruptedRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', SRL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const sizes = new Map(before.map((f) => [f, sizeOf(join(dir, f))]));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (done) throw new Error(`srl ${args.join(' ')} ended before it was interrupted: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`srl ${args.join(' ')} wrote nothing in 30 s`);
    }
    const writing = readdirSync(dir).filter((f) => (sizes.has(f) ? sizeOf(join(dir, f)) !== sizes.get(f) : sizeOf(join(dir, f)) > 0));
    if (writing.length > 0) {
      child.kill(signal);
      const code = await exited;
      return { code, stdout, stderr, writing };
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
