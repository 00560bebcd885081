import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readNumberedJsonl, type NumberedLine } from './read-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-read-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function all(path: string, meter?: { bytes: number }, maxLineBytes?: number): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  for await (const l of readNumberedJsonl(path, meter, maxLineBytes)) out.push(l);
  return out;
}

describe('readNumberedJsonl', () => {
  // Line 1 has a BOM and CRLF; line 2 is blank; line 3 is spaces; line 4 is not JSON; line 5 has no newline.
  const text = '\uFEFF{"a":1}\r\n\n   \n{oops\n[2]';

  it('numbers lines as the file has them, skips blank ones, and hands back bad ones as errors', async () => {
    const path = join(dir, 'x.jsonl');
    writeFileSync(path, text);
    const meter = { bytes: 0 };
    const lines = await all(path, meter);
    expect(lines.map((l) => [l.line, l.ok])).toEqual([
      [1, true],
      [4, false],
      [5, true],
    ]);
    expect(lines[0]).toMatchObject({ value: { a: 1 } });
    expect(lines[2]).toMatchObject({ value: [2] });
    const bad = lines[1] as Extract<NumberedLine, { ok: false }>;
    expect(bad.error.message).toMatch(new RegExp(`^.*x\\.jsonl, line 4: expected a JSON value, found "\\{oops" \\(`));
    expect(meter.bytes).toBe(Buffer.byteLength(text));
  });

  it('gunzips .gz files, metering the compressed bytes', async () => {
    const path = join(dir, 'x.jsonl.gz');
    const gz = gzipSync(text);
    writeFileSync(path, gz);
    const meter = { bytes: 0 };
    expect((await all(path, meter)).map((l) => l.line)).toEqual([1, 4, 5]);
    expect(meter.bytes).toBe(gz.length);
  });

  it('reports a line over the cap without holding it', async () => {
    const path = join(dir, 'long.jsonl');
    writeFileSync(path, `${JSON.stringify({ s: 'x'.repeat(100) })}\n{"b":2}\n`);
    const lines = await all(path, undefined, 50);
    expect(lines.map((l) => [l.line, l.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect((lines[0] as Extract<NumberedLine, { ok: false }>).error.message).toContain('line 1: expected a line of at most 50 bytes, found a longer one');
  });

  it('throws the file system error for a missing file', async () => {
    await expect(all(join(dir, 'nope.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
