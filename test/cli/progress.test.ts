import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, SRL, TSX } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** util-linux `script`, which runs a command on a new pseudo-terminal; undefined when it is not installed. */
const SCRIPT = ((): string | undefined => {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /util-linux/.test(r.stdout) ? 'script' : undefined;
})();

/** Quotes one word for `sh -c`. */
function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Runs `srl ...args` with stdin, stdout and stderr on a pseudo-terminal; returns everything the terminal got. */
function runOnTerminal(args: readonly string[]): { code: number | null; output: string } {
  const command = [TSX, SRL, ...args].map(sh).join(' ');
  const r = spawnSync(SCRIPT as string, ['-qec', command, '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  return { code: r.status, output: r.stdout };
}

const BAR_CHARS = /[\u2588\u2591]|\x1b\[/; // cli-progress's full and empty cells, and any ANSI escape

describe('progress bars', () => {
  const rollouts = join(dir, 'rollouts.jsonl');
  writeFileSync(rollouts, Array.from({ length: 5 }, (_, i) => JSON.stringify({ output: `<think>t</think>x = ${i}`, target: 'x = 1' })).join('\n'));
  const trajectories = join(dir, 'trajectories.jsonl');
  writeFileSync(trajectories, `${JSON.stringify({ task: 'Add.', steps: [{ action: '1 + 2 = 3' }, { action: 'so 3' }, { action: 'done' }] })}\n`);

  it.skipIf(SCRIPT === undefined)(
    `are drawn when stderr is a terminal${SCRIPT === undefined ? ' (skipped: util-linux `script` is not installed)' : ''}`,
    () => {
      // srl score knows the input's size: a bar, the row count, a percentage and an ETA.
      const score = runOnTerminal(['score', rollouts, '-o', join(dir, 'scored.jsonl'), '--workers', '0', '--chunk-size', '2']);
      expect(score.code).toBe(0);
      expect(score.output).toMatch(/\x1b\[1G5 rows \[\u2588{40}\] 100% \| eta 0s/);
      expect(score.output).toMatch(/\x1b\[1G0 rows \[\u2591{40}\] 0% \| eta \?/);
      expect(score.output).toContain('srl score: 5 rows, 5 outputs scored');
      // srl prompts counts prompts as they are written (the total is not known in advance).
      const prompts = runOnTerminal(['prompts', trajectories, '-o', join(dir, 'prompts.jsonl')]);
      expect(prompts.code).toBe(0);
      expect(prompts.output).toMatch(/\x1b\[1G3 prompts \| \d+s/);
      expect(prompts.output).toContain('records: 1, trajectories: 1, prompts: 3, skipped: 0');
    },
  );

  it('are not drawn when stderr is a pipe: only the summary', () => {
    const score = runCli(['score', rollouts, '-o', join(dir, 'scored-piped.jsonl'), '--workers', '0', '--chunk-size', '2']);
    expect(score.code).toBe(0);
    expect(score.stderr).toMatch(/^srl score: 5 rows, 5 outputs scored, mean reward \d\.\d{4}, format errors 0\n$/);
    expect(score.stderr).not.toMatch(BAR_CHARS);
    const prompts = runCli(['prompts', trajectories, '-o', join(dir, 'prompts-piped.jsonl')]);
    expect(prompts.code).toBe(0);
    expect(prompts.stderr).not.toMatch(BAR_CHARS);
    expect(prompts.stderr).not.toMatch(/\d+ prompts \|/);
  });
});
