// The CLI never destroys its input and never leaves a partial file at the output path
// (issue 17, items 1, 2 and 8): the real `srl` binary on real files, signalled mid-write.
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { interruptMidWrite, oneLine, runCliAsync, SRL, TSX } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'srl-safe-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GSM8K = 'test/fixtures/trajectories/math/gsm8k_test.jsonl';
const MATH = 'examples/data/math-solutions.jsonl';
const DEMO = 'examples/data/demo-steps.jsonl';
const DEMO_FIELDS = ['--output-field', 'outputs', '--target-field', 'expert_step'];

/** A fresh, empty folder under the test's temporary folder. */
function folder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Real GSM8K solutions as rollouts: the whole solution as the output, its first step as the target.
const gsm8k = readFileSync(GSM8K, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { question: string; answer: string });
const ROLLOUTS = gsm8k.map((r) => JSON.stringify({ output: `<think>${r.question}</think>${r.answer}`, target: r.answer.split('\n')[0] })).join('\n');

// Inputs big enough to still be writing when signalled: about 53k rollouts (30 MB) and 26k trajectories (15 MB).
const inputs = folder('inputs');
const BIG_ROLLOUTS = join(inputs, 'rollouts.jsonl');
writeFileSync(BIG_ROLLOUTS, `${Array.from({ length: 40 }, () => ROLLOUTS).join('\n')}\n`);
const BIG_TRAJECTORIES = join(inputs, 'gsm8k.jsonl');
writeFileSync(BIG_TRAJECTORIES, `${Array.from({ length: 20 }, () => readFileSync(GSM8K, 'utf8').trim()).join('\n')}\n`);

describe('srl refuses an output that is its input', () => {
  it('score and prompts, .jsonl and .jsonl.gz, the same path, a symlink and a hard link: exit 2, one line naming both, the input untouched', async () => {
    const dir = folder('same-file');
    const score = join(dir, 'good.jsonl');
    writeFileSync(score, readFileSync(DEMO));
    const scoreGz = join(dir, 'good.jsonl.gz');
    writeFileSync(scoreGz, gzipSync(readFileSync(DEMO)));
    const math = join(dir, 'm.jsonl');
    writeFileSync(math, readFileSync(MATH));
    const mathGz = join(dir, 'm.jsonl.gz');
    writeFileSync(mathGz, gzipSync(readFileSync(MATH)));
    symlinkSync(score, join(dir, 'link-to-good.jsonl'));
    linkSync(scoreGz, join(dir, 'hard-good.jsonl.gz'));
    symlinkSync(mathGz, join(dir, 'link-to-m.jsonl.gz'));
    linkSync(math, join(dir, 'hard-m.jsonl'));
    const files = readdirSync(dir);
    const before = new Map(files.map((f) => [f, readFileSync(join(dir, f))]));

    const cases: [command: string, input: string, output: string][] = [
      ['score', score, score],
      ['score', scoreGz, scoreGz],
      ['score', score, join(dir, 'link-to-good.jsonl')],
      ['score', scoreGz, join(dir, 'hard-good.jsonl.gz')],
      ['prompts', math, math],
      ['prompts', mathGz, mathGz],
      ['prompts', join(dir, 'link-to-m.jsonl.gz'), mathGz],
      ['prompts', math, join(dir, 'hard-m.jsonl')],
    ];
    const results = await Promise.all(
      cases.map(([command, input, output]) => runCliAsync([command, input, '-o', output, ...(command === 'score' ? [...DEMO_FIELDS, '--workers', '0'] : [])])),
    );
    results.forEach((r, i) => {
      const [command, input, output] = cases[i]!;
      expect(r.code, cases[i]!.join(' ')).toBe(2);
      const line = oneLine(r.stderr, `srl ${command}`);
      expect(line).toMatch(new RegExp(`^srl ${command}: refusing to write -o ${escape(output)} over the input ${escape(input)}`));
      if (input !== output) expect(line).toContain('the same file');
    });
    expect(readdirSync(dir).sort()).toEqual([...files].sort());
    for (const [f, bytes] of before) expect(readFileSync(join(dir, f)).equals(bytes), f).toBe(true);
  }, 60_000);
});

describe('an interrupted run leaves nothing at the output path', () => {
  it('SIGINT during srl score -o scored.jsonl (worker threads): exit 130, no output, no temporary file', async () => {
    const dir = folder('sigint-score');
    const out = join(dir, 'scored.jsonl');
    const r = await interruptMidWrite(['score', BIG_ROLLOUTS, '-o', out], dir, []);
    expect(r.code).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
    expect(oneLine(r.stderr, 'srl score')).toBe(`srl score: interrupted by SIGINT; nothing was written to ${out}`);
  }, 60_000);

  it('SIGTERM during srl score -o scored.jsonl.gz over an existing file: exit 143, the old file intact', async () => {
    const dir = folder('sigterm-score');
    const out = join(dir, 'scored.jsonl.gz');
    const old = gzipSync('{"old": true}\n');
    writeFileSync(out, old);
    const r = await interruptMidWrite(['score', BIG_ROLLOUTS, '-o', out, '--workers', '0'], dir, ['scored.jsonl.gz'], 'SIGTERM');
    expect(r.code).toBe(143);
    expect(readdirSync(dir)).toEqual(['scored.jsonl.gz']);
    expect(readFileSync(out).equals(old)).toBe(true);
  }, 60_000);

  it('SIGINT during srl prompts -o train.parquet: exit 130, no output, no temporary file', async () => {
    const dir = folder('sigint-prompts-parquet');
    const out = join(dir, 'train.parquet');
    const r = await interruptMidWrite(['prompts', BIG_TRAJECTORIES, '-o', out, '--layout', 'verl'], dir, []);
    expect(r.code).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
    expect(oneLine(r.stderr, 'srl prompts')).toBe(`srl prompts: interrupted by SIGINT; nothing was written to ${out}`);
  }, 60_000);

  it('SIGINT during srl prompts -o train.jsonl over an existing file: exit 130, the old file intact', async () => {
    const dir = folder('sigint-prompts-jsonl');
    const out = join(dir, 'train.jsonl');
    writeFileSync(out, '{"old": true}\n');
    const r = await interruptMidWrite(['prompts', BIG_TRAJECTORIES, '-o', out], dir, ['train.jsonl']);
    expect(r.code).toBe(130);
    expect(readdirSync(dir)).toEqual(['train.jsonl']);
    expect(readFileSync(out, 'utf8')).toBe('{"old": true}\n');
  }, 60_000);
});

describe('bad inputs and outputs: one line naming the path, the right exit code, no file left', () => {
  const dir = folder('bad-paths');
  const outDir = folder('bad-paths-out');
  const directory = join(dir, 'folder.jsonl');
  mkdirSync(directory);
  const notGzip = join(dir, 'not-gzip.jsonl.gz');
  writeFileSync(notGzip, readFileSync(DEMO));
  const truncated = join(dir, 'truncated.jsonl.gz');
  const whole = gzipSync(readFileSync(MATH));
  writeFileSync(truncated, whole.subarray(0, whole.length >> 1));
  const aFile = join(dir, 'a-file.txt');
  writeFileSync(aFile, 'x');

  it('an input that is a directory, not gzip, or a truncated gzip: exit 1 for score, prompts and inspect', async () => {
    const cases: [input: string, message: string][] = [
      [directory, `${directory}: is a directory, expected a file`],
      [notGzip, `${notGzip}: expected gzip data (the name ends in .gz), found bytes that are not gzip (incorrect header check)`],
      [truncated, `${truncated}: expected a complete gzip stream, found one that ends early (unexpected end of file)`],
    ];
    const runs = cases.flatMap(([input, message]) => [
      { command: 'score', args: ['score', input, '-o', join(outDir, 'scored.jsonl'), '--workers', '0'], message },
      { command: 'prompts', args: ['prompts', input, '-o', join(outDir, 'train.parquet')], message },
      { command: 'inspect', args: ['inspect', input], message },
    ]);
    const results = await Promise.all(runs.map((c) => runCliAsync(c.args)));
    results.forEach((r, i) => {
      const c = runs[i]!;
      expect(r.code, c.args.join(' ')).toBe(1);
      expect(oneLine(r.stderr, `srl ${c.command}`), c.args.join(' ')).toBe(`srl ${c.command}: ${c.message}`);
    });
    expect(readdirSync(outDir)).toEqual([]);
  }, 60_000);

  it('an output in a missing folder, under a file, or that is a directory: exit 2 before reading anything', async () => {
    const missing = join(outDir, 'no-such-folder', 'x.jsonl');
    const underFile = join(aFile, 'x.jsonl');
    const isDir = join(outDir, 'out.jsonl');
    mkdirSync(isDir);
    const cases: [output: string, message: string][] = [
      [missing, `-o ${missing}: the folder ${join(outDir, 'no-such-folder')} does not exist`],
      [underFile, `-o ${underFile}: ${aFile} is not a folder`],
      [isDir, `-o ${isDir}: is a directory, expected a file path`],
    ];
    const runs = cases.flatMap(([output, message]) => [
      { command: 'score', args: ['score', DEMO, '-o', output, ...DEMO_FIELDS, '--workers', '0'], message },
      { command: 'prompts', args: ['prompts', MATH, '-o', output], message },
    ]);
    const results = await Promise.all(runs.map((c) => runCliAsync(c.args)));
    results.forEach((r, i) => {
      const c = runs[i]!;
      expect(r.code, c.args.join(' ')).toBe(2);
      expect(oneLine(r.stderr, `srl ${c.command}`), c.args.join(' ')).toBe(`srl ${c.command}: ${c.message}`);
    });
    expect(readdirSync(outDir)).toEqual(['out.jsonl']);
    expect(readdirSync(isDir)).toEqual([]);
    rmSync(isDir, { recursive: true });
  }, 60_000);

  it('an unreadable input: exit 1, permission denied', async () => {
    const locked = join(dir, 'locked.jsonl');
    writeFileSync(locked, readFileSync(MATH));
    chmodSync(locked, 0o000);
    // Root reads any file: as root, run the command as the unprivileged user 'nobody' instead.
    const asRoot = process.getuid?.() === 0;
    const out = asRoot ? mkdtempSync(join(tmpdir(), 'srl-nobody-')) : outDir;
    try {
      let r: { code: number | null; stderr: string };
      if (asRoot) {
        chmodSync(dir, 0o755);
        chmodSync(out, 0o777);
        const p = spawnSync(TSX, [SRL, 'prompts', locked, '-o', join(out, 'x.jsonl')], {
          encoding: 'utf8',
          uid: 65534,
          gid: 65534,
          env: { ...process.env, HOME: out },
          timeout: 60_000,
        });
        r = { code: p.status, stderr: p.stderr };
      } else {
        r = await runCliAsync(['prompts', locked, '-o', join(out, 'x.jsonl')]);
      }
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr, 'srl prompts')).toBe(`srl prompts: ${locked}: permission denied`);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      chmodSync(locked, 0o644);
      if (asRoot) rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('srl score -o chooses the format by the extension', () => {
  it('writes real Parquet for .parquet: the same rows as the JSON Lines output, read back with hyparquet', async () => {
    const dir = folder('score-parquet');
    const parquet = join(dir, 'scored.parquet');
    const jsonl = join(dir, 'scored.jsonl');
    const [p, j] = await Promise.all([
      runCliAsync(['score', DEMO, '-o', parquet, ...DEMO_FIELDS, '--workers', '0']),
      runCliAsync(['score', DEMO, '-o', jsonl, ...DEMO_FIELDS, '--workers', '0']),
    ]);
    expect([p.code, j.code]).toEqual([0, 0]);
    expect(p.stderr).toBe(j.stderr);
    expect(readFileSync(parquet).subarray(0, 4).toString()).toBe('PAR1');
    const file = await asyncBufferFromFile(parquet);
    const metadata = await parquetMetadataAsync(file);
    expect(metadata.schema.find((e) => e.name === 'reward')).toBeDefined();
    const expected = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(await parquetReadObjects({ file })).toEqual(expected);
    expect(readdirSync(dir).sort()).toEqual(['scored.jsonl', 'scored.parquet']);
  });

  it('a later row whose type differs from the first rows stops the run, naming its line; no file is left', async () => {
    const dir = folder('score-parquet-drift');
    const input = join(dir, 'rollouts.jsonl');
    const rows = Array.from({ length: 1001 }, (_, i) => ({ output: '<think>t</think> x = 4', target: 'x = 5', temperature: i < 1000 ? 1 : 0.7 }));
    writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n'));
    const out = join(dir, 'scored.parquet');
    const r = await runCliAsync(['score', input, '-o', out, '--workers', '0']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr, 'srl score')).toBe(
      `srl score: ${input}, line 1001, $.temperature: expected an integer (the Parquet column's type, from the first 1000 rows; write .jsonl for rows whose types vary), found number 0.7`,
    );
    expect(readdirSync(dir)).toEqual(['rollouts.jsonl']);
  });

  it('-o - writes JSON Lines to stdout, as no -o does, and creates no file', async () => {
    const [dash, none] = await Promise.all([
      runCliAsync(['score', DEMO, '-o', '-', ...DEMO_FIELDS, '--workers', '0']),
      runCliAsync(['score', DEMO, ...DEMO_FIELDS, '--workers', '0']),
    ]);
    expect([dash.code, none.code]).toEqual([0, 0]);
    expect(dash.stdout).toBe(none.stdout);
    expect(dash.stdout.trim().split('\n')).toHaveLength(3);
    expect(existsSync('-')).toBe(false);
  });

  it('refuses an output it cannot tell the format of, with exit 2', async () => {
    const out = join(folder('score-csv'), 'scored.csv');
    const r = await runCliAsync(['score', DEMO, '-o', out, ...DEMO_FIELDS]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr, 'srl score')).toBe(`srl score: cannot tell the output format of ${out}: use .jsonl, .jsonl.gz, .parquet or - (stdout)`);
    expect(existsSync(out)).toBe(false);
  });
});
