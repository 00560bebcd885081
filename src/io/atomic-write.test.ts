import { spawnSync } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepPrompt } from '../prompts/types.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import { readJsonArray } from './read-json-array.js';
import { readJsonl } from './read-jsonl.js';
import { removeTemporaryFilesSync } from './sink.js';
import { writeDataset } from './write-dataset.js';
import { writeJsonl } from './write-jsonl.js';
import { writeParquet } from './write-parquet.js';
import { collect } from '../../test/helpers/collect.js';

const root = mkdtempSync(join(tmpdir(), 'srl-kit-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
/** A fresh, empty folder. */
function folder(): string {
  const dir = join(root, String(folders++));
  mkdirSync(dir);
  return dir;
}

const TEMPORARY = /^\.(.+)\.(\d+)\.([0-9a-f]{12})\.tmp$/;
const SCHEMA = [
  { name: 'a', type: 'int64' },
  { name: 's', type: 'string' },
] as const;

/**
 * Rows that stop after `before` rows until `go` is called (so that the test can look
 * at the folder mid-write), then yield `after` more, or throw when `fail` is set.
 */
function paused(before: number, after: number): { rows: AsyncGenerator<{ a: number; s: string }>; reached: Promise<void>; go: (fail?: boolean) => void } {
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  let go!: (fail?: boolean) => void;
  const resumed = new Promise<boolean>((resolve) => (go = (fail = false) => resolve(fail)));
  async function* rows(): AsyncGenerator<{ a: number; s: string }> {
    for (let i = 0; i < before; i++) yield { a: i, s: 'x'.repeat(100) };
    reach();
    if (await resumed) throw new Error('source failed');
    for (let i = before; i < before + after; i++) yield { a: i, s: 'y'.repeat(100) };
  }
  return { rows: rows(), reached, go };
}

async function waitForBytes(path: string): Promise<void> {
  for (let i = 0; i < 500 && (!existsSync(path) || statSync(path).size === 0); i++) await new Promise((r) => setTimeout(r, 10));
}

const writers = {
  writeJsonl: (rows: AsyncIterable<unknown>, path: string, atomic?: boolean) => writeJsonl(rows, path, atomic === undefined ? {} : { atomic }),
  writeParquet: (rows: AsyncIterable<unknown>, path: string, atomic?: boolean) =>
    // Row groups of 1000 rows: the first is on disk while the source waits.
    writeParquet(rows, path, { schema: SCHEMA, rowGroupSize: 1000, ...(atomic === undefined ? {} : { atomic }) }),
};

describe.each(Object.entries(writers))('%s writes atomically', (name, write) => {
  const ext = name === 'writeJsonl' ? 'jsonl' : 'parquet';

  it('writes a temporary file beside the path, and renames it onto the path only when complete', async () => {
    const dir = folder();
    const target = join(dir, `out.${ext}`);
    // JSON Lines goes out in 1 MiB chunks: 12,000 rows of 100+ bytes fill one.
    const { rows, reached, go } = paused(12_000, 10);
    const done = write(rows, target);
    await reached;
    const [temporary] = readdirSync(dir);
    expect(readdirSync(dir)).toHaveLength(1);
    const m = TEMPORARY.exec(temporary ?? '');
    expect(m?.slice(1, 3)).toEqual([`out.${ext}`, String(process.pid)]);
    await waitForBytes(join(dir, temporary!));
    expect(statSync(join(dir, temporary!)).size).toBeGreaterThan(0);
    expect(existsSync(target)).toBe(false);
    go();
    expect((await done).rows).toBe(12_010);
    expect(readdirSync(dir)).toEqual([`out.${ext}`]);
  });

  it('leaves an existing file as it was when writing fails, and no temporary file', async () => {
    const dir = folder();
    const target = join(dir, `out.${ext}`);
    writeFileSync(target, 'old');
    const { rows, reached, go } = paused(12_000, 10);
    const done = write(rows, target);
    await reached;
    go(true);
    await expect(done).rejects.toThrow('source failed');
    expect(readdirSync(dir)).toEqual([`out.${ext}`]);
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('atomic: false writes the path itself as it grows, and removes it when writing fails', async () => {
    const dir = folder();
    const target = join(dir, `out.${ext}`);
    const first = paused(12_000, 10);
    const done = write(first.rows, target, false);
    await first.reached;
    expect(readdirSync(dir)).toEqual([`out.${ext}`]);
    await waitForBytes(target);
    expect(statSync(target).size).toBeGreaterThan(0);
    first.go();
    expect((await done).rows).toBe(12_010);
    const second = paused(10, 10);
    const failed = write(second.rows, target, false);
    await second.reached;
    second.go(true);
    await expect(failed).rejects.toThrow('source failed');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removeTemporaryFilesSync (for a signal handler) removes the unfinished file; the path is untouched', async () => {
    const dir = folder();
    const target = join(dir, `out.${ext}`);
    writeFileSync(target, 'old');
    const { rows, reached, go } = paused(12_000, 10);
    const done = write(rows, target);
    await reached;
    const [temporary] = readdirSync(dir).filter((f) => TEMPORARY.test(f));
    expect(removeTemporaryFilesSync()).toEqual([join(dir, temporary!)]);
    expect(readdirSync(dir)).toEqual([`out.${ext}`]);
    go(true);
    await expect(done).rejects.toThrow('source failed');
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it.skipIf(process.platform === 'win32')('keeps the permission bits of the file it replaces, and writes through a symbolic link', async () => {
    const dir = folder();
    const real = join(dir, `real.${ext}`);
    writeFileSync(real, 'old');
    chmodSync(real, 0o640);
    const link = join(dir, `link.${ext}`);
    symlinkSync(real, link);
    await write(asyncRows(3), link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual([`link.${ext}`, `real.${ext}`]);
    if (ext === 'jsonl') expect(await collect(readJsonl(real))).toEqual(rowsOf(3));
    else expect(await parquetReadObjects({ file: await asyncBufferFromFile(real) })).toEqual(rowsOf(3).map((r) => ({ ...r, a: BigInt(r.a) })));
  });

  it.skipIf(process.platform === 'win32')('writes in place to a path that is not a regular file (a named pipe), and never removes it', async () => {
    const dir = folder();
    const fifo = join(dir, `pipe.${ext}`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const chunks: Buffer[] = [];
    const reader = createReadStream(fifo);
    reader.on('data', (c) => chunks.push(c as Buffer));
    const closed = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    await write(asyncRows(3), fifo);
    await closed;
    expect(Buffer.concat(chunks).length).toBeGreaterThan(0);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual([`pipe.${ext}`]);
  });

  it('errors name the path, never the temporary file', async () => {
    const dir = folder();
    const missing = join(dir, 'no', `out.${ext}`);
    const e1 = (await write(asyncRows(1), missing).catch((e: unknown) => e)) as Error & { path?: string };
    expect(e1.message).toMatch(/ENOENT/);
    expect(e1.message).toContain(missing);
    expect(e1.message).not.toMatch(/\.tmp/);
    expect(e1.path).toBe(missing);
    const isDir = join(dir, `d.${ext}`);
    mkdirSync(isDir);
    const e2 = (await write(asyncRows(1), isDir).catch((e: unknown) => e)) as Error & { code?: string; path?: string };
    expect([e2.code, e2.path]).toEqual(['EISDIR', isDir]);
    expect(readdirSync(isDir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([`d.${ext}`]);
  });
});

function rowsOf(n: number): { a: number; s: string }[] {
  return Array.from({ length: n }, (_, i) => ({ a: i, s: `row ${i}` }));
}

async function* asyncRows(n: number): AsyncGenerator<{ a: number; s: string }> {
  yield* rowsOf(n);
}

describe('writeDataset writes atomically', () => {
  const prompt: StepPrompt = { messages: [{ role: 'user', content: 'Next step?' }], target: 'x = 2', stepIndex: 0, totalSteps: 1, meta: {} };
  it.each(['jsonl.gz', 'parquet'])('.%s: a failure leaves the existing file; atomic: false is passed on', async (ext) => {
    const dir = folder();
    const target = join(dir, `train.${ext}`);
    writeFileSync(target, 'old');
    await expect(writeDataset([prompt, { nope: true } as never], target, { layout: 'trl' })).rejects.toThrow(TypeError);
    expect(readdirSync(dir)).toEqual([`train.${ext}`]);
    expect(readFileSync(target, 'utf8')).toBe('old');
    await expect(writeDataset([prompt, { nope: true } as never], target, { layout: 'trl', atomic: false })).rejects.toThrow(TypeError);
    expect(readdirSync(dir)).toEqual([]);
    expect(await writeDataset([prompt], target, { layout: 'verl' })).toMatchObject({ rows: 1 });
    expect(readdirSync(dir)).toEqual([`train.${ext}`]);
  });
});

describe('reading a file names it in every error', () => {
  const dir = folder();
  // One line that is one JSON array: both readers read on until the gzip error.
  const text = JSON.stringify(Array.from({ length: 2000 }, (_, a) => ({ a })));
  const notGzip = join(dir, 'plain.jsonl.gz');
  writeFileSync(notGzip, text);
  const truncated = join(dir, 'cut.jsonl.gz');
  const whole = gzipSync(Buffer.from(text));
  writeFileSync(truncated, whole.subarray(0, whole.length - 20));
  const corrupt = join(dir, 'corrupt.jsonl.gz');
  const bad = Buffer.from(whole);
  bad.fill(0xff, 20, 40);
  writeFileSync(corrupt, bad);
  const directory = join(dir, 'folder.jsonl');
  mkdirSync(directory);

  it.each([
    ['bytes that are not gzip', notGzip, 'gzip data (the name ends in .gz)', /^bytes that are not gzip \(incorrect header check\)$/],
    ['a truncated gzip', truncated, 'a complete gzip stream', /^one that ends early \(unexpected end of file\)$/],
    ['corrupt gzip data', corrupt, 'gzip data (the name ends in .gz)', /^corrupt gzip data \(.+\)$/],
  ])('%s is a TrajectoryError naming the file (readJsonl, readJsonArray)', async (_what, path, expected, found) => {
    for (const read of [readJsonl, readJsonArray]) {
      const error = await collect(read(path)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrajectoryError);
      expect((error as TrajectoryError).source).toBe(path);
      expect((error as TrajectoryError).expected).toBe(expected);
      expect((error as TrajectoryError).found).toMatch(found);
      expect((error as TrajectoryError).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: expected `));
    }
  });

  it('a directory is an EISDIR error with its path', async () => {
    const error = (await collect(readJsonl(directory)).catch((e: unknown) => e)) as Error & { code?: string; path?: string };
    expect([error.code, error.path]).toEqual(['EISDIR', directory]);
  });
});
