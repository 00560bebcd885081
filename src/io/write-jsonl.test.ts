import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonl } from './read-jsonl.js';
import { JSONL_CHUNK_BYTES, writeJsonl } from './write-jsonl.js';
import { collect } from '../../test/helpers/collect.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-kit-write-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = [
  { prompt: [{ role: 'user', content: 'Résous "x² = 4"\n(步骤 😀)' }], target: 'x = ±2', step_index: 0 },
  { prompt: [], target: 'line\u2028separator', step_index: 1, trajectory_id: null },
  [1, 'two', { three: 3 }],
  'a string',
  42,
];

describe('writeJsonl', () => {
  it('round-trips rows through a file, one line each', async () => {
    const file = join(dir, 'rows.jsonl');
    const result = await writeJsonl(ROWS, file);
    const text = readFileSync(file, 'utf8');
    expect(result).toEqual({ rows: ROWS.length, bytes: Buffer.byteLength(text) });
    expect(text.split('\n')).toHaveLength(ROWS.length + 1);
    expect(await collect(readJsonl(file))).toEqual(ROWS);
  });

  it('gzips .gz paths (or when asked) and reads back', async () => {
    const file = join(dir, 'rows.jsonl.gz');
    const result = await writeJsonl(ROWS, file);
    const raw = readFileSync(file);
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    expect(result.bytes).toBe(gunzipSync(raw).length);
    expect(await collect(readJsonl(file))).toEqual(ROWS);
    const forced = join(dir, 'forced.data');
    await writeJsonl(ROWS, forced, { gzip: true });
    expect(gunzipSync(readFileSync(forced)).toString('utf8').split('\n')).toHaveLength(ROWS.length + 1);
  });

  it('pulls rows lazily from async iterables, and writes many rows in chunks', async () => {
    async function* many(): AsyncGenerator<{ i: number; text: string }> {
      for (let i = 0; i < 20_000; i++) yield { i, text: `row ${i} ${'é'.repeat(i % 7)}` };
    }
    const file = join(dir, 'many.jsonl');
    const result = await writeJsonl(many(), file);
    expect(result.rows).toBe(20_000);
    const back = await collect(readJsonl(file));
    expect(back).toHaveLength(20_000);
    expect(back[12_345]).toEqual({ i: 12_345, text: `row 12345 ${'é'.repeat(12_345 % 7)}` });
  });

  it('waits for drain: never writes to a stream that asked to wait, and never reads far ahead', async () => {
    let received = 0;
    let writesWhileFull = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        setTimeout(callback, 1);
      },
    });
    const originalWrite = slow.write.bind(slow);
    slow.write = ((chunk: Buffer, ...rest: never[]) => {
      if (slow.writableNeedDrain) writesWhileFull++;
      return originalWrite(chunk, ...rest);
    }) as typeof slow.write;
    const row = { text: 'x'.repeat(1000) };
    let pulled = 0;
    let maxAhead = 0;
    function* rows(): Generator<{ text: string }> {
      for (let i = 0; i < 6000; i++) {
        pulled += JSON.stringify(row).length + 1;
        maxAhead = Math.max(maxAhead, pulled - received);
        yield row;
      }
    }
    const result = await writeJsonl(rows(), slow, { end: true });
    expect(result.rows).toBe(6000);
    expect(received).toBe(result.bytes);
    expect(writesWhileFull).toBe(0);
    // About 6 MB went through; at most one chunk being filled and one being written were ahead.
    expect(maxAhead).toBeLessThan(2 * JSONL_CHUNK_BYTES + 2048);
    expect(slow.writableFinished).toBe(true);
  });

  it('leaves a stream it was given open, unless end: true', async () => {
    const open = new PassThrough();
    const chunks: Buffer[] = [];
    open.on('data', (c: Buffer) => chunks.push(c));
    await writeJsonl([{ a: 1 }], open);
    expect(open.writableEnded).toBe(false);
    await writeJsonl([{ a: 2 }], open, { end: true });
    expect(open.writableEnded).toBe(true);
    expect(Buffer.concat(chunks).toString()).toBe('{"a":1}\n{"a":2}\n');
    expect(open.listenerCount('error')).toBe(0);
  });

  it('writes rows longer than a chunk, with multi-byte characters at chunk edges', async () => {
    const file = join(dir, 'long.jsonl');
    const rows = [{ s: 'é'.repeat(JSONL_CHUNK_BYTES) }, { s: 'x' }, { s: '😀'.repeat(100_000) }, { s: 'a'.repeat(JSONL_CHUNK_BYTES / 3) }];
    const result = await writeJsonl(rows, file);
    expect(result.bytes).toBe(readFileSync(file).length);
    expect(await collect(readJsonl(file))).toEqual(rows);
  });

  it('rejects rows that are not JSON and removes the partial file', async () => {
    const file = join(dir, 'bad.jsonl');
    await expect(writeJsonl([{ a: 1 }, undefined], file)).rejects.toThrow(/row 1 cannot be written as JSON/);
    expect(existsSync(file)).toBe(false);
    function* failing(): Generator<unknown> {
      yield { a: 1 };
      throw new Error('source failed');
    }
    await expect(writeJsonl(failing(), file)).rejects.toThrow('source failed');
    expect(existsSync(file)).toBe(false);
  });

  it('reports errors of the destination', async () => {
    await expect(writeJsonl([{ a: 1 }], join(dir, 'no', 'such', 'dir.jsonl'))).rejects.toThrow(/ENOENT/);
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    await expect(writeJsonl([{ a: 1 }, { a: 2 }], broken, { end: true })).rejects.toThrow('disk full');
    const closed = new PassThrough();
    closed.destroy();
    await expect(writeJsonl([{ a: 1 }], closed)).rejects.toThrow();
  });

  it('rejects bad arguments', async () => {
    await expect(writeJsonl(42 as never, join(dir, 'x.jsonl'))).rejects.toThrow(TypeError);
    await expect(writeJsonl([], 42 as never)).rejects.toThrow(TypeError);
    await expect(writeJsonl([], new PassThrough(), { gzip: true })).rejects.toThrow(/createGzip/);
  });
});
