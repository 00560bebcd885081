import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { stepReward } from '../../src/reward/step-reward.js';
import { oneLine, runCli, servedUrl, startCli } from './run-cli.js';
import { periodicPair } from '../helpers/periodic-pair.js';

const MATH = 'examples/data/math-solutions.jsonl';
const GSM8K = 'examples/data/gsm8k-sample.jsonl';
const SWE = 'examples/data/sweagent_marshmallow-1867.traj';
const DEMO = 'examples/data/demo-steps.jsonl';
const dir = mkdtempSync(join(tmpdir(), 'srl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

function parquetRows(path: string): number {
  const buf = readFileSync(path);
  return Number(parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)).num_rows);
}

describe('srl --help', () => {
  it.each(['prompts', 'score', 'serve', 'inspect'])('srl %s --help prints usage and exits 0', (cmd) => {
    const r = runCli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: srl ${cmd}`);
  });
  it('srl --help lists the commands; no command exits 2', () => {
    expect(runCli(['--help']).stdout).toMatch(/prompts[\s\S]*score[\s\S]*serve[\s\S]*inspect/);
    expect(runCli([]).code).toBe(2);
  });
});

describe('srl prompts', () => {
  it.each(['trl', 'verl'] as const)('writes JSON Lines in the %s layout, with a summary on stderr', (layout) => {
    const out = join(dir, `math-${layout}.jsonl`);
    const r = runCli(['prompts', MATH, '-o', out, '--layout', layout]);
    expect(r.code).toBe(0);
    const rows = jsonl(out);
    expect(rows.length).toBeGreaterThan(3);
    expect(r.stderr).toContain(`records: 3, trajectories: 3, prompts: ${rows.length}, skipped: 0`);
    expect(Array.isArray(rows[0]?.['prompt'])).toBe(true);
    if (layout === 'trl') expect(typeof rows[0]?.['target']).toBe('string');
    else expect(rows[0]?.['reward_model']).toMatchObject({ ground_truth: expect.any(String) });
  });

  it.each(['trl', 'verl'] as const)('writes Parquet in the %s layout from the SWE-agent trajectory', (layout) => {
    const out = join(dir, `swe-${layout}.parquet`);
    const r = runCli(['prompts', SWE, '-o', out, '--layout', layout, '--history', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('trajectories: 1, prompts: 14');
    expect(parquetRows(out)).toBe(14);
  });

  it('detects GSM8K records and honours --format numbered', () => {
    const out = join(dir, 'gsm.jsonl');
    expect(runCli(['prompts', GSM8K, '-o', out]).code).toBe(0);
    expect(jsonl(out).length).toBeGreaterThan(3);
    const forced = runCli(['prompts', GSM8K, '-o', out, '--format', 'numbered']);
    expect(forced.code).toBe(1);
    oneLine(forced.stderr, 'srl prompts');
  });

  it('passes normalised trajectories through, and a JSON array input', () => {
    const input = join(dir, 'norm.json');
    writeFileSync(input, JSON.stringify([{ id: 't1', task: 'Add.', steps: [{ action: '1 + 2 = 3' }, { action: 'so 3' }] }]));
    const out = join(dir, 'norm.jsonl');
    expect(runCli(['prompts', input, '-o', out]).code).toBe(0);
    expect(jsonl(out).map((r) => r['target'])).toEqual(['1 + 2 = 3', 'so 3']);
  });

  it('fails with one line naming the line of a bad JSONL record; --on-error skip counts it', () => {
    const input = join(dir, 'bad.jsonl');
    writeFileSync(input, `${readFileSync(MATH, 'utf8').trim()}\n{oops\n`);
    const r = runCli(['prompts', input, '-o', join(dir, 'bad-out.jsonl')]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr, 'srl prompts')).toContain('line 4: expected a JSON value, found');
    const s = runCli(['prompts', input, '-o', join(dir, 'bad-out.jsonl'), '--on-error', 'skip']);
    expect(s.code).toBe(0);
    expect(s.stderr).toContain('skipped: 1');
    expect(s.stderr).toContain('line 4');
  });

  it('rejects bad usage with exit code 2 and one line', () => {
    for (const args of [
      ['prompts', MATH],
      ['prompts', MATH, '-o', join(dir, 'x.csv')],
      ['prompts', MATH, '-o', join(dir, 'x.jsonl'), '--layout', 'foo'],
      ['prompts', MATH, '-o', join(dir, 'x.jsonl'), '--history', '-1'],
      ['prompts', MATH, '-o', join(dir, 'x.jsonl'), '--max-prompt-tokens', '100'],
      ['prompts', MATH, '-o', join(dir, 'x.jsonl'), '--bogus'],
    ]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r.stderr, 'srl prompts');
    }
    const missing = runCli(['prompts', join(dir, 'nope.jsonl'), '-o', join(dir, 'x.jsonl')]);
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr, 'srl prompts')).toContain('no such file');
    const unknown = runCli(['frob']);
    expect(unknown.code).toBe(2);
    oneLine(unknown.stderr, 'srl');
  });
});

describe('srl score', () => {
  it('adds reward, format_ok and format_reason equal to stepReward (arrays of outputs)', () => {
    const out = join(dir, 'scored.jsonl');
    const r = runCli(['score', DEMO, '-o', out, '--output-field', 'outputs', '--target-field', 'expert_step', '--workers', '2']);
    expect(r.code).toBe(0);
    const input = jsonl(DEMO);
    const rows = jsonl(out);
    expect(rows).toHaveLength(input.length);
    rows.forEach((row, i) => {
      const outputs = input[i]?.['outputs'] as string[];
      const target = input[i]?.['expert_step'] as string;
      expect(row['reward']).toEqual(outputs.map((o) => stepReward(o, target)));
      expect((row['format_ok'] as boolean[]).length).toBe(outputs.length);
    });
    expect(r.stderr).toMatch(/^srl score: 3 rows/);
  });

  it('scores string fields to stdout in chunks, with --metric lcs --granularity word', () => {
    const input = join(dir, 'rollouts.jsonl');
    const items = [
      { output: '<think>t</think> x = 4', target: 'x = 5' },
      { output: 'no think block', target: 'x = 5' },
      { output: '<think>a</think>the cat sat', target: 'the cat sat down' },
    ];
    writeFileSync(input, items.map((x) => JSON.stringify(x)).join('\n'));
    const r = runCli(['score', input, '--metric', 'lcs', '--granularity', 'word', '--workers', '0', '--chunk-size', '2']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x['reward'])).toEqual(items.map((x) => stepReward(x.output, x.target, { metric: 'lcs', granularity: 'word' })));
    expect(rows.map((x) => x['format_ok'])).toEqual([true, false, true]);
    expect(rows[1]?.['format_reason']).toBe('missing-think');
    expect(rows[0]?.['format_reason']).toBeNull();
  });

  it('fails with one line on a row without a target', () => {
    const input = join(dir, 'no-target.jsonl');
    writeFileSync(input, '{"output":"<think>a</think>b","target":"b"}\n{"output":"x"}\n');
    const r = runCli(['score', input, '--workers', '0']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr, 'srl score')).toContain('line 2, $.target: expected a non-empty string, found nothing');
  });
});

describe('srl inspect', () => {
  it('reports trajectories with step histograms', () => {
    const r = runCli(['inspect', SWE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('trajectories: 1, steps: 14 (formats: sweagent 1)');
    expect(r.stdout).toMatch(/step action length \(chars\): n=14/);
    expect(r.stdout).toMatch(/\| +\d+ #+/);
  });

  it('reports prompt rows with prompt and target histograms', () => {
    const out = join(dir, 'inspect-prompts.jsonl');
    expect(runCli(['prompts', MATH, '-o', out, '--layout', 'verl']).code).toBe(0);
    const r = runCli(['inspect', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('prompts');
    expect(r.stdout).toMatch(/prompt length \(chars\): n=\d+/);
    expect(r.stdout).toMatch(/target length \(chars\): n=\d+/);
  });
});

describe('srl serve', () => {
  it('prints the URL, answers GET /health and exits 0 on SIGTERM', async () => {
    const child = startCli(['serve', '--port', '0', '--workers', '0']);
    const url = await servedUrl(child);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('srl serve --processes, --scoring', () => {
  it('serves from 2 processes with the given scoring defaults, and leaves none behind on SIGTERM', async () => {
    const child = startCli(['serve', '--port', '0', '--processes', '2', '--scoring', '{"parse":{"implicitOpen":true}}', '--max-body-mb', '1', '--max-item-chars', '20']);
    const url = await servedUrl(child);
    // The prompt already opened <think>: with implicitOpen the output is well formed (python3 difflib: ratio 1.0).
    const r = await fetch(`${url}/score`, { method: 'POST', body: JSON.stringify({ items: [{ output: 'plan</think> x = 5', target: 'x = 5' }] }) });
    expect(await r.json()).toEqual({ results: [{ reward: 1, ok: true }] });
    const long = await fetch(`${url}/score`, { method: 'POST', body: JSON.stringify({ items: [{ output: 'x', target: 'y'.repeat(21) }] }) });
    expect(((await long.json()) as { error: { path: string } }).error.path).toBe('$.items[0].target');
    const big = await fetch(`${url}/score`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    const pids = new Set<number>();
    for (let i = 0; i < 40 && pids.size < 2; i++) {
      pids.add(((await (await fetch(`${url}/health`, { headers: { connection: 'close' } })).json()) as { pid: number }).pid);
    }
    expect(pids.size).toBe(2);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  }, 60_000);

  it('rejects bad --scoring JSON with exit code 2 and the JSON path', () => {
    const bad = runCli(['serve', '--scoring', '{"metric":"bleu"}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('srl serve: option --scoring: $.metric: expected "difflib" or "lcs"');
    const body = runCli(['serve', '--max-body-mb', '0']);
    expect(body.code).toBe(2);
    expect(body.stderr.trim()).toBe('srl serve: option --max-body-mb must be an integer from 1 to 4096, got "0"');
    const notJson = runCli(['serve', '--scoring', '{metric']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^srl serve: option --scoring must be a JSON object: /);
  });
});

describe('srl serve: the operator\'s limits (issue 17)', () => {
  it('refuses an empty --token (no client could log in) and a bad --max-work, with exit code 2', () => {
    const empty = runCli(['serve', '--token', '']);
    expect(empty.code).toBe(2);
    expect(oneLine(empty.stderr, 'srl serve')).toMatch(/option --token must not be empty/);
    const work = runCli(['serve', '--max-work', 'lots']);
    expect(work.code).toBe(2);
    expect(oneLine(work.stderr, 'srl serve')).toMatch(/option --max-work must be an integer from 1 up, got "lots"/);
    // The library's own bound (max(16, 4 x cores) threads) is a usage error too, not exit 1.
    const threads = runCli(['serve', '--workers', '100000']);
    expect(threads.code).toBe(2);
    expect(oneLine(threads.stderr, 'srl serve')).toMatch(/option 'workers' must be an integer in \[0, \d+\], got 100000/);
  });

  it('--max-work and --scoring ceilings hold against clients; SIGTERM with a stalled upload exits after --shutdown-grace-s', async () => {
    const child = startCli(['serve', '--port', '0', '--workers', '0', '--max-work', '20000', '--scoring', '{"maxLength":5000}', '--shutdown-grace-s', '1']);
    try {
      const url = await servedUrl(child);
      const [output, target] = periodicPair(2000);
      const heavy = await fetch(`${url}/score`, { method: 'POST', body: JSON.stringify({ items: [{ output, target }] }) });
      expect(heavy.status).toBe(422);
      expect(((await heavy.json()) as { error: { path: string } }).error.path).toBe('$.items[0]');
      const over = await fetch(`${url}/score`, { method: 'POST', body: JSON.stringify({ items: [{ output: 'a', target: 'b', options: { maxLength: 5001 } }] }) });
      expect(over.status).toBe(400);
      expect(((await over.json()) as { error: { path: string } }).error.path).toBe('$.items[0].options.maxLength');
      // A stalled upload: headers announcing 100 bytes, one byte, nothing more.
      const { port } = new URL(url);
      const { connect } = await import('node:net');
      const sock = connect(Number(port), '127.0.0.1');
      sock.on('error', () => undefined);
      await new Promise<void>((r) => sock.on('connect', () => r()));
      sock.write('POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{');
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(performance.now() - t0).toBeLessThan(4_000);
      sock.destroy();
    } finally {
      // A failed assertion must not leave the server running.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); // tsx relays it to the server
    }
  }, 60_000);
});
