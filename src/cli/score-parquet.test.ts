import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import { SCHEMA_SAMPLE_ROWS, writeScoredParquet, type LinedRow } from './score-parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-score-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = { outputField: 'output', targetField: 'target' };

async function* lined(rows: readonly Record<string, unknown>[]): AsyncGenerator<LinedRow> {
  let line = 1;
  for (const row of rows) yield { row, line: line++ };
}

async function write(name: string, rows: readonly Record<string, unknown>[]): Promise<{ rows: Record<string, unknown>[]; columns: [string, string | undefined][] }> {
  const path = join(dir, name);
  await writeScoredParquet(lined(rows), path, 'in.jsonl', FIELDS);
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  return { rows: await parquetReadObjects({ file }), columns: metadata.schema.slice(1).map((e) => [e.name, e.type]) };
}

async function failure(rows: readonly Record<string, unknown>[]): Promise<TrajectoryError> {
  const error = await writeScoredParquet(lined(rows), join(dir, 'bad.parquet'), 'in.jsonl', FIELDS).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TrajectoryError);
  expect(readdirSync(dir).filter((f) => f.includes('bad.parquet'))).toEqual([]);
  return error as TrajectoryError;
}

describe('writeScoredParquet', () => {
  it('takes the columns from the rows: integers int64, other numbers double, reward always double, nested lists and objects', async () => {
    const rows = [
      { output: ['<think>a</think>b', 'c'], target: 't', reward: [1, -1], n: 3, x: 1, meta: { tags: ['a'], k: null }, none: null },
      { output: ['d'], target: 'u', reward: [0.5], n: 4, x: 2.5, meta: { tags: [], k: true }, none: null },
    ];
    const { rows: back, columns } = await write('types.parquet', rows);
    expect(columns.filter(([, t]) => t !== undefined)).toEqual([
      ['element', 'BYTE_ARRAY'],
      ['target', 'BYTE_ARRAY'],
      ['element', 'DOUBLE'],
      ['n', 'INT64'],
      ['x', 'DOUBLE'],
      ['element', 'BYTE_ARRAY'],
      ['k', 'BOOLEAN'],
      ['none', 'BYTE_ARRAY'],
    ]);
    expect(back).toEqual(rows.map((r) => ({ ...r, n: BigInt(r.n) })));
  });

  it('an input with no rows still gets the score columns', async () => {
    const { rows, columns } = await write('empty.parquet', []);
    expect(rows).toEqual([]);
    expect(columns.map(([name]) => name)).toEqual(['output', 'target', 'reward', 'format_ok', 'format_reason']);
  });

  it('types that differ within the first rows are an error naming the line and path', async () => {
    const e = await failure([{ output: 'a', target: 't', v: 'x' }, { output: 'a', target: 't', v: 2 }]);
    expect(e.message).toBe(
      "in.jsonl, line 2, $.v: expected a string (the Parquet column's type, from the rows above; write .jsonl for rows whose types vary), found number 2",
    );
    const inList = await failure([{ output: 'a', target: 't', v: [1, 'two'] }]);
    expect([inList.line, inList.path, inList.found]).toEqual([1, '$.v[1]', 'the string "two"']);
  });

  it(`a later row (after the first ${SCHEMA_SAMPLE_ROWS}) with another type or a new key is an error naming the line`, async () => {
    const base = Array.from({ length: SCHEMA_SAMPLE_ROWS }, () => ({ output: 'a', target: 't', meta: { k: 1 } }));
    const typed = await failure([...base, { output: 'a', target: 't', meta: { k: 'one' } }]);
    expect([typed.line, typed.path]).toEqual([SCHEMA_SAMPLE_ROWS + 1, '$.meta.k']);
    expect(typed.expected).toMatch(/^an integer \(the Parquet column's type, from the first 1000 rows/);
    const keyed = await failure([...base, { output: 'a', target: 't', meta: { k: 1, extra: 2 } }]);
    expect([keyed.line, keyed.path, keyed.found]).toEqual([SCHEMA_SAMPLE_ROWS + 1, '$.meta', 'the key "extra"']);
    expect(keyed.expected).toMatch(/^only the keys of the first rows \(k;/);
  });

  it('only empty objects, or an empty key, cannot be Parquet columns', async () => {
    expect((await failure([{ output: 'a', target: 't', m: {} }])).message).toBe(
      'in.jsonl, $.m: expected an object with at least one key (Parquet has no empty structs), found only empty objects in the first 1 rows',
    );
    expect((await failure([{ output: 'a', target: 't', '': 1 }])).found).toBe('an empty key');
  });
});
