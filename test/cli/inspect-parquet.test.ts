import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../../src/io/write-dataset.js';
import { writeParquet } from '../../src/io/write-parquet.js';
import type { StepPrompt } from '../../src/prompts/types.js';
import { oneLine, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-inspect-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Normalised trajectories written here: 4 trajectories of 1, 2, 3 and 5 steps, so
// srl prompts makes one prompt per step, 11 in all; the targets are the actions.
const STEP_COUNTS = [1, 2, 3, 5];
const TRAJECTORIES = STEP_COUNTS.map((n, t) => ({
  id: `t${t + 1}`,
  task: `Task ${t + 1}: add up the first ${n} numbers.`,
  steps: Array.from({ length: n }, (_, k) => ({ action: `${k + 1}. add ${k + 1}${'!'.repeat(t * 7 + k)}` })),
}));
const PROMPTS = STEP_COUNTS.reduce((a, b) => a + b, 0);
const ACTION_LENGTHS = TRAJECTORIES.flatMap((t) => t.steps.map((s) => s.action.length));

describe('srl inspect on Parquet', () => {
  const input = join(dir, 'trajectories.jsonl');
  writeFileSync(input, TRAJECTORIES.map((t) => JSON.stringify(t)).join('\n'));

  it.each(['trl', 'verl'] as const)('gives the same counts and histograms as the JSONL version of a %s dataset', (layout) => {
    const parquet = join(dir, `prompts-${layout}.parquet`);
    const jsonl = join(dir, `prompts-${layout}.jsonl`);
    expect(runCli(['prompts', input, '-o', parquet, '--layout', layout]).code).toBe(0);
    expect(runCli(['prompts', input, '-o', jsonl, '--layout', layout]).code).toBe(0);

    const fromParquet = runCli(['inspect', parquet]);
    const fromJsonl = runCli(['inspect', jsonl]);
    expect(fromParquet.code).toBe(0);
    expect(fromParquet.stderr).toBe('');
    const [pHead, ...pBody] = fromParquet.stdout.trimEnd().split('\n');
    const [jHead, ...jBody] = fromJsonl.stdout.trimEnd().split('\n');
    // The counts come from the input: one prompt per step, one trajectory id per trajectory.
    expect(pHead).toMatch(new RegExp(`^${parquet.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${PROMPTS} records, prompts \\(Parquet: 1 row group, columns `));
    expect(jHead).toBe(`${jsonl}: ${PROMPTS} records, prompts`);
    expect(pBody[0]).toBe(`prompts: ${PROMPTS}, trajectories: ${STEP_COUNTS.length}`);
    const targets = pBody.find((l) => l.startsWith('target length (chars):'));
    expect(targets).toContain(`n=${PROMPTS} min=${Math.min(...ACTION_LENGTHS)} `);
    expect(targets).toContain(` max=${Math.max(...ACTION_LENGTHS)}`);
    // Everything after the first line (counts, histograms) is the same for both files.
    expect(pBody).toEqual(jBody);
  });

  it('reads every row group of a file with several, all rows counted', async () => {
    // 10 prompts from 3 trajectories, written by the io module in row groups of 4: 4 + 4 + 2.
    const prompts: StepPrompt[] = Array.from({ length: 10 }, (_, i) => ({
      messages: [{ role: 'user', content: 'q'.repeat(i + 1) }],
      target: 't'.repeat(20 + i),
      stepIndex: i % 4,
      totalSteps: 4,
      trajectoryId: `traj-${Math.floor(i / 4)}`,
      meta: {},
    }));
    const path = join(dir, 'groups.parquet');
    const written = await writeDataset(prompts, path, { layout: 'verl', rowGroupSize: 4 });
    expect(written.rowGroups).toBe(3);
    const r = runCli(['inspect', path]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toContain(': 10 records, prompts (Parquet: 3 row groups, columns data_source, prompt, ability, reward_model, extra_info)');
    expect(lines[1]).toBe('prompts: 10, trajectories: 3');
    expect(r.stdout).toContain('prompt length (chars): n=10 min=1 median=5 mean=5.5 p95=10 max=10');
    expect(r.stdout).toContain('target length (chars): n=10 min=20 median=24 mean=24.5 p95=29 max=29');
  });

  it('reads Parquet trajectories (not prompt rows) as trajectories', async () => {
    const path = join(dir, 'trajectories.parquet');
    const schema = [
      { name: 'id', type: 'string' },
      { name: 'task', type: 'string' },
      { name: 'steps', type: { list: { struct: [{ name: 'action', type: 'string' }] } } },
    ] as const;
    await writeParquet(TRAJECTORIES, path, { schema });
    const r = runCli(['inspect', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`: ${STEP_COUNTS.length} records, trajectories (Parquet: 1 row group, columns id, task, steps)`);
    expect(r.stdout).toContain(`trajectories: ${STEP_COUNTS.length}, steps: ${PROMPTS} (formats: trajectory ${STEP_COUNTS.length})`);
    expect(r.stdout).toContain(`steps per trajectory: n=4 min=1 median=2 mean=2.8 p95=5 max=5`);
  });

  it('fails with one line naming the file for a truncated or non-Parquet file, and for undecodable data', async () => {
    const good = join(dir, 'good.parquet');
    expect(runCli(['prompts', input, '-o', good]).code).toBe(0);
    const bytes = readFileSync(good);

    const truncated = join(dir, 'truncated.parquet');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const t = runCli(['inspect', truncated]);
    expect(t.code).toBe(1);
    expect(t.stdout).toBe('');
    expect(oneLine(t.stderr, 'srl inspect')).toContain(`${truncated}: expected a Parquet file (a footer that ends in "PAR1"), found ${Math.floor(bytes.length / 2)} bytes`);

    const notParquet = join(dir, 'lines.parquet');
    writeFileSync(notParquet, '{"a": 1}\n');
    const n = runCli(['inspect', notParquet]);
    expect(n.code).toBe(1);
    expect(oneLine(n.stderr, 'srl inspect')).toContain(`${notParquet}: expected a Parquet file`);

    // The footer intact, the column data (between the leading "PAR1" and the footer) overwritten.
    const footerLength = bytes.readUInt32LE(bytes.length - 8);
    const corrupt = Buffer.from(bytes);
    corrupt.fill(0xff, 4, bytes.length - 8 - footerLength);
    const corruptPath = join(dir, 'corrupt.parquet');
    writeFileSync(corruptPath, corrupt);
    const c = runCli(['inspect', corruptPath]);
    expect(c.code).toBe(1);
    expect(oneLine(c.stderr, 'srl inspect')).toContain(`${corruptPath}, row group 0 (rows 0 to ${PROMPTS - 1}): expected column data that hyparquet can decode, found the error: `);

    const missing = runCli(['inspect', join(dir, 'nope.parquet')]);
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr, 'srl inspect')).toContain('nope.parquet: no such file or directory');
  });
});
