import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createSkipReport } from '../trajectory/error-policy.js';
import { readJsonl } from './read-jsonl.js';
import { collect, failure } from '../../test/helpers/collect.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-kit-read-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A byte order mark, multi-byte characters of 2, 3 and 4 bytes, escaped quotes and
// backslashes, blank lines, a CRLF line, no final newline.
const TEXT =
  '\ufeff{"task":"Résous \\"x² = 4\\"","steps":[{"action":"x = ±2 ✓"}]}\n' +
  '\n' +
  '  \t\n' +
  '{"emoji":"😀🎉","path":"C:\\\\dir\\\\","cjk":"步骤"}\r\n' +
  '[1,2,3]\n' +
  '"a string with \\n and \\u00e9"\n' +
  '42';
const EXPECTED = [
  { task: 'Résous "x² = 4"', steps: [{ action: 'x = ±2 ✓' }] },
  { emoji: '😀🎉', path: 'C:\\dir\\', cjk: '步骤' },
  [1, 2, 3],
  'a string with \n and é',
  42,
];

describe('readJsonl', () => {
  it('parses one value per non-empty line, with CRLF and no final newline', async () => {
    expect(await collect(readJsonl([TEXT]))).toEqual(EXPECTED);
  });

  it('gives the same values when the bytes are split at any offset, even inside a character', async () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      expect(await collect(readJsonl(chunks)), `cut at byte ${cut}`).toEqual(EXPECTED);
    }
    for (let cut = 1; cut < bytes.length - 1; cut += 7) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut, cut + 5), bytes.subarray(cut + 5)];
      expect(await collect(readJsonl(chunks)), `cuts at ${cut} and ${cut + 5}`).toEqual(EXPECTED);
    }
  });

  it('gives the same values when text chunks are split at any offset, even inside a surrogate pair', async () => {
    for (let cut = 0; cut <= TEXT.length; cut++) {
      expect(await collect(readJsonl([TEXT.slice(0, cut), TEXT.slice(cut)])), `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it('reads one byte at a time, and Uint8Array chunks that are not Buffers', async () => {
    const bytes = new Uint8Array(Buffer.from(TEXT, 'utf8'));
    const oneByOne = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(await collect(readJsonl(oneByOne))).toEqual(EXPECTED);
  });

  it('reads string chunks and Node streams (bytes or text)', async () => {
    const pieces = [TEXT.slice(0, 20), TEXT.slice(20, 62), TEXT.slice(62)];
    expect(await collect(readJsonl(pieces))).toEqual(EXPECTED);
    expect(await collect(readJsonl(Readable.from([Buffer.from(TEXT)])))).toEqual(EXPECTED);
    const text = Readable.from([Buffer.from(TEXT)]).setEncoding('utf8');
    expect(await collect(readJsonl(text))).toEqual(EXPECTED);
  });

  it('ignores a byte order mark', async () => {
    expect(await collect(readJsonl(['\ufeff{"a":1}\n{"b":2}']))).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('reads files, and gunzips .jsonl.gz files', async () => {
    const plain = join(dir, 'data.jsonl');
    const gz = join(dir, 'data.jsonl.gz');
    writeFileSync(plain, TEXT);
    writeFileSync(gz, gzipSync(TEXT));
    expect(await collect(readJsonl(plain))).toEqual(EXPECTED);
    expect(await collect(readJsonl(gz))).toEqual(EXPECTED);
  });

  it('names the line, the input and the parser message of a malformed line', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"a":1}\n\n{"a": 2,}\n{"a":3}\n');
    const error = await failure(readJsonl(file));
    expect(error.line).toBe(3);
    expect(error.source).toBe(file);
    expect(error.expected).toBe('a JSON value');
    expect(error.found).toMatch(/^"\{\\"a\\": 2,\}" \(.+\)$/);
    expect(error.message).toContain(`${file}, line 3: expected a JSON value`);
    const labelled = await failure(readJsonl(['{"a":1}\r\n{oops'], { source: 'upload' }));
    expect([labelled.source, labelled.line]).toEqual(['upload', 2]);
  });

  it('cuts a long bad line in the message', async () => {
    const error = await failure(readJsonl([`{"a": ${'1'.repeat(100)}`]));
    expect(error.found.startsWith(`"{\\"a\\": ${'1'.repeat(34)}..."`)).toBe(true);
  });

  it("skips and counts bad lines with onError: 'skip'", async () => {
    const report = createSkipReport();
    const input = ['{"a":1}\nnot json\n{"a":2}\n', '{"a":\n{"a":3}\n[1,\n'];
    expect(await collect(readJsonl(input, { onError: 'skip', report }))).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(report.skipped).toBe(3);
    expect(report.errors.map((e) => e.line)).toEqual([2, 4, 6]);
  });

  it('rejects lines longer than maxLineBytes without holding them, even across chunks', async () => {
    const long = `{"a":"${'x'.repeat(100)}"}`;
    const error = await failure(readJsonl([`{"a":1}\n${long.slice(0, 30)}`, long.slice(30), '\n{"a":2}\n'], { maxLineBytes: 50 }));
    expect(error.line).toBe(2);
    expect(error.expected).toBe('a line of at most 50 bytes');
    const report = createSkipReport();
    const chunks = [`{"a":1}\n${long.slice(0, 30)}`, long.slice(30, 60), long.slice(60), '\n{"a":2}\n', `${long}\n{"a":3}`];
    const values = await collect(readJsonl(chunks, { maxLineBytes: 50, onError: 'skip', report }));
    expect(values).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(report.errors.map((e) => e.line)).toEqual([2, 4]);
    // A line of exactly the cap is fine.
    expect(await collect(readJsonl([`"${'y'.repeat(48)}"\n`], { maxLineBytes: 50 }))).toEqual(['y'.repeat(48)]);
  });

  it('closes the stream when the loop stops early', async () => {
    const stream = Readable.from(['{"a":1}\n{"a":2}\n', '{"a":3}\n']);
    for await (const value of readJsonl(stream)) {
      expect(value).toEqual({ a: 1 });
      break;
    }
    expect(stream.destroyed).toBe(true);
  });

  it('rejects bad arguments and options', async () => {
    await expect(collect(readJsonl(42 as never))).rejects.toThrow(TypeError);
    await expect(collect(readJsonl([{} as never]))).rejects.toThrow(/neither a string nor bytes/);
    await expect(collect(readJsonl([''], { onError: 'ignore' as never }))).rejects.toThrow(TypeError);
    await expect(collect(readJsonl([''], { maxLineBytes: 0 }))).rejects.toThrow(RangeError);
    await expect(collect(readJsonl(join(dir, 'missing.jsonl')))).rejects.toThrow(/ENOENT/);
  });
});
