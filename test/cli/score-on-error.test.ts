import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { stepReward } from '../../src/reward/step-reward.js';
import { oneLine, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-score-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jsonl(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

const GOOD = [
  { output: '<think>t</think> x = 4', target: 'x = 5' },
  { output: ['<think>a</think>the cat sat', 'no think'], target: 'the cat sat down' },
  { output: '<think>b</think>y = 2', target: 'y = 2' },
];

// Lines 1-11 of a rollouts file: the good rows at lines 1, 4 and 11, a blank line 2,
// and one malformed row of each kind. The line numbers are where the text puts them.
const LINES = [
  JSON.stringify(GOOD[0]), // 1
  '', // 2: blank, not a row
  '{"output": "<think>a</think>b", "target": ', // 3: not JSON
  JSON.stringify(GOOD[1]), // 4
  '[1, 2]', // 5: not an object
  JSON.stringify({ target: 'x' }), // 6: no output
  JSON.stringify({ output: 7, target: 'x' }), // 7: output a number
  JSON.stringify({ output: ['<think>a</think>b', null], target: 'x' }), // 8: an output that is null
  JSON.stringify({ output: '<think>a</think>b', target: '' }), // 9: empty target
  JSON.stringify({ output: '<think>a</think>b', target: 5 }), // 10: target a number
  JSON.stringify(GOOD[2]), // 11
];
const BAD_LINES = [3, 5, 6, 7, 8, 9, 10];

describe('srl score --on-error', () => {
  const input = join(dir, 'mixed.jsonl');
  writeFileSync(input, `${LINES.join('\n')}\n`);

  it('throw (the default) stops at the first malformed row with one line naming its line and what was expected', () => {
    const out = join(dir, 'fail.jsonl');
    for (const args of [[], ['--on-error', 'throw']]) {
      const r = runCli(['score', input, '-o', out, '--workers', '0', ...args]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr, 'srl score')).toMatch(
        new RegExp(`^srl score: ${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 3: expected a JSON value, found "\\{\\\\"output\\\\": `),
      );
      // A file that fails half-way is removed, never left with part of the rows.
      expect(existsSync(out)).toBe(false);
    }
  });

  it.each([
    [5, '[1, 2]', 'line 5: expected a JSON object, found an array of 2'],
    [6, JSON.stringify({ target: 'x' }), 'line 6, $.output: expected a string or an array of strings, found nothing'],
    [7, JSON.stringify({ output: 7, target: 'x' }), 'line 7, $.output: expected a string or an array of strings, found number 7'],
    [8, JSON.stringify({ output: ['a', null], target: 'x' }), 'line 8, $.output[1]: expected a string (an output), found null'],
    [9, JSON.stringify({ output: 'a', target: '' }), 'line 9, $.target: expected a non-empty string, found an empty string'],
    [10, JSON.stringify({ output: 'a', target: 5 }), 'line 10, $.target: expected a non-empty string, found number 5'],
  ])('throw names line %i and the field: %s', (line, bad, message) => {
    const path = join(dir, `bad-${line}.jsonl`);
    // `line - 1` good rows (blank lines among them), then the bad one.
    const before = Array.from({ length: line - 1 }, (_, i) => (i % 2 === 1 ? '' : JSON.stringify(GOOD[0])));
    writeFileSync(path, `${[...before, bad].join('\n')}\n`);
    const r = runCli(['score', path, '--workers', '0']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr, 'srl score')).toBe(`srl score: ${path}, ${message}`);
  });

  it('a custom field name is named in the path, quoted when it is not an identifier', () => {
    const path = join(dir, 'fields.jsonl');
    writeFileSync(path, `${JSON.stringify({ 'model output': 'x' })}\n`);
    const r = runCli(['score', path, '--workers', '0', '--output-field', 'model output']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr, 'srl score')).toBe(`srl score: ${path}, line 1, $.target: expected a non-empty string, found nothing`);
    const o = runCli(['score', path, '--workers', '0', '--output-field', 'other field']);
    expect(oneLine(o.stderr, 'srl score')).toBe(`srl score: ${path}, line 1, $["other field"]: expected a string or an array of strings, found nothing`);
  });

  it('skip leaves malformed rows out, scores the rest, and names the skipped lines; exit 0', () => {
    const out = join(dir, 'skip.jsonl');
    // Chunks of 2 rows: skipped rows fall between and inside chunks.
    const r = runCli(['score', input, '-o', out, '--workers', '0', '--chunk-size', '2', '--on-error', 'skip']);
    expect(r.code).toBe(0);
    const rows = jsonl(readFileSync(out, 'utf8'));
    expect(rows.map((row) => row['target'])).toEqual(GOOD.map((g) => g.target));
    expect(rows.map((row) => row['reward'])).toEqual(
      GOOD.map((g) => (typeof g.output === 'string' ? stepReward(g.output, g.target) : g.output.map((o) => stepReward(o, g.target)))),
    );
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^srl score: 3 rows, 4 outputs scored, mean reward -?\d\.\d{4}, format errors 1, /);
    expect(lines[0]).toContain(`skipped ${BAD_LINES.length} malformed rows (lines ${BAD_LINES.join(', ')})`);
    // Then one line per skipped row, each naming its line.
    expect(lines.slice(1)).toHaveLength(BAD_LINES.length);
    BAD_LINES.forEach((n, i) => expect(lines[i + 1]).toMatch(new RegExp(`^  skipped: .*, line ${n}(, \\$[^:]*)?: expected `)));

    // The same file gzipped: the same rows and the same line numbers.
    const gz = join(dir, 'mixed.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(input)));
    const z = runCli(['score', gz, '--workers', '0', '--on-error', 'skip']);
    expect(z.code).toBe(0);
    expect(jsonl(z.stdout)).toEqual(rows);
    expect(z.stderr.split('\n')[0]).toBe(lines[0]);
  });

  it('skip lists the first 10 line numbers and counts the rest', () => {
    const path = join(dir, 'many-bad.jsonl');
    // Line 1 good, lines 2-14 not JSON.
    writeFileSync(path, [JSON.stringify(GOOD[0]), ...Array.from({ length: 13 }, (_, i) => `oops ${i}`)].join('\n'));
    const r = runCli(['score', path, '--workers', '0', '--on-error', 'skip']);
    expect(r.code).toBe(0);
    expect(jsonl(r.stdout)).toHaveLength(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toContain('skipped 13 malformed rows (lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...)');
    expect(lines.at(-1)).toBe('  ... and 3 more');
  });

  it('skip with nothing malformed says so', () => {
    const path = join(dir, 'clean.jsonl');
    writeFileSync(path, GOOD.map((g) => JSON.stringify(g)).join('\n'));
    const r = runCli(['score', path, '--workers', '0', '--on-error', 'skip']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^srl score: 3 rows, 4 outputs scored, .*, skipped 0 malformed rows\n$/);
  });

  it('rejects any other policy with exit code 2, and documents the option', () => {
    const r = runCli(['score', input, '--on-error', 'fail']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr, 'srl score')).toBe('srl score: option --on-error must be one of throw, skip, got "fail"');
    const help = runCli(['score', '--help']);
    expect(help.stdout).toMatch(/--on-error <p> +throw\|skip/);
  });
});
