import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createSkipReport } from '../trajectory/error-policy.js';
import { readJsonArray } from './read-json-array.js';
import { collect, failure } from '../../test/helpers/collect.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-kit-read-json-array-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Brackets and braces inside strings, escaped quotes and backslashes, multi-byte
// characters, nested arrays, and bare scalars as elements.
const TEXT = `\ufeff[
  {"task": "Résous \\"x² = 4\\" [sic] {ok}", "steps": [{"action": "x = ±2 ✓"}]},
  {"emoji": "😀🎉", "path": "C:\\\\dir\\\\", "cjk": "步骤", "nested": [[1, [2]], {"k": [3]}]},
  "a \\"string\\" with ] and }",
  -12.5e3 ,true,null,
  [] , {}, "\\\\"
]
`;
const EXPECTED = [
  { task: 'Résous "x² = 4" [sic] {ok}', steps: [{ action: 'x = ±2 ✓' }] },
  { emoji: '😀🎉', path: 'C:\\dir\\', cjk: '步骤', nested: [[1, [2]], { k: [3] }] },
  'a "string" with ] and }',
  -12500,
  true,
  null,
  [],
  {},
  '\\',
];

describe('readJsonArray', () => {
  it('streams the elements of a top-level array', async () => {
    expect(await collect(readJsonArray([TEXT]))).toEqual(EXPECTED);
    expect(await collect(readJsonArray(['[]']))).toEqual([]);
    expect(await collect(readJsonArray([' [ 7 ] \n']))).toEqual([7]);
  });

  it('gives the same elements when the bytes are split at any offset, even inside a character', async () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      expect(await collect(readJsonArray(chunks)), `cut at byte ${cut}`).toEqual(EXPECTED);
    }
    const oneByOne = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(await collect(readJsonArray(oneByOne))).toEqual(EXPECTED);
  });

  it('reads files, and gunzips .json.gz files', async () => {
    const plain = join(dir, 'data.json');
    const gz = join(dir, 'data.json.gz');
    writeFileSync(plain, TEXT);
    writeFileSync(gz, gzipSync(TEXT));
    expect(await collect(readJsonArray(plain))).toEqual(EXPECTED);
    expect(await collect(readJsonArray(gz))).toEqual(EXPECTED);
  });

  it('names a malformed element by its JSON path and the line it starts on', async () => {
    const error = await failure(readJsonArray(['[\n  {"a": 1},\n  {"a": 2,', '}\n, 3]'], { source: 'export.json' }));
    expect(error.path).toBe('$[1]');
    expect(error.line).toBe(3);
    expect(error.source).toBe('export.json');
    expect(error.expected).toBe('a JSON value');
    expect(error.found).toMatch(/^"\{\\"a\\": 2,\}" \(.+\)$/);
    expect(error.message).toContain('export.json, line 3, $[1]: expected a JSON value');
  });

  it("skips and counts malformed elements with onError: 'skip'", async () => {
    const report = createSkipReport();
    const input = ['[{"a":1}, {"a":}, tru, "ok",\n', ' [1,,2], {"b": 2}]'];
    expect(await collect(readJsonArray(input, { onError: 'skip', report }))).toEqual([{ a: 1 }, 'ok', { b: 2 }]);
    expect(report.skipped).toBe(3);
    expect(report.errors.map((e) => [e.path, e.line])).toEqual([
      ['$[1]', 1],
      ['$[2]', 1],
      ['$[4]', 2],
    ]);
  });

  it('always throws on a broken array, whatever onError says', async () => {
    const cases: [string, string, string, number][] = [
      ['{"a": 1}', 'a JSON array', '"{\\"a\\": 1}"', 1],
      ['', 'a JSON array', 'the end of the input', 1],
      ['[1, 2 3]', "',' or ']'", '"3]"', 1],
      ['[1, 2,\n]', 'an element', '"]"', 2],
      ['[,1]', 'an element', '",1]"', 1],
      ['[1, {"a": 2}', "',' or ']'", 'the end of the input', 1],
      ['[1, {"a": 2', "an element and then ']'", 'the end of the input', 1],
      ['[1]\n[2]', 'nothing after the closing bracket', '"[2]"', 2],
    ];
    for (const [input, expected, found, line] of cases) {
      const error = await failure(readJsonArray([input], { onError: 'skip' }));
      expect([error.expected, error.found, error.line], JSON.stringify(input)).toEqual([expected, found, line]);
    }
  });

  it('rejects elements larger than maxElementBytes without holding them', async () => {
    const big = `{"a": "${'x'.repeat(200)}"}`;
    const error = await failure(readJsonArray([`[1,\n${big.slice(0, 100)}`, `${big.slice(100)}, 2]`], { maxElementBytes: 64 }));
    expect([error.path, error.line, error.expected]).toEqual(['$[1]', 2, 'an element of at most 64 bytes']);
    const report = createSkipReport();
    const chunks = ['[1,', big.slice(0, 50), big.slice(50, 120), big.slice(120), `, 2, ${big}, 3]`];
    const values = await collect(readJsonArray(chunks, { maxElementBytes: 64, onError: 'skip', report }));
    expect(values).toEqual([1, 2, 3]);
    expect(report.errors.map((e) => e.path)).toEqual(['$[1]', '$[3]']);
  });

  it('rejects bad arguments and options', async () => {
    await expect(collect(readJsonArray(null as never))).rejects.toThrow(TypeError);
    await expect(collect(readJsonArray(['[]'], { maxElementBytes: 1.5 }))).rejects.toThrow(RangeError);
    await expect(collect(readJsonArray(['[]'], 'x' as never))).rejects.toThrow(TypeError);
  });
});
