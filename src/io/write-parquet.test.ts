import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import type { ParquetSchema } from './parquet-schema.js';
import { writeParquet } from './write-parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-kit-write-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readBack(path: string): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({ file: await asyncBufferFromFile(path) });
}

const SCHEMA: ParquetSchema = [
  {
    name: 'prompt',
    type: {
      list: {
        struct: [
          { name: 'role', type: 'string' },
          { name: 'content', type: 'string' },
        ],
      },
    },
  },
  { name: 'target', type: 'string', nullable: false },
  { name: 'step', type: 'int64' },
  { name: 'score', type: 'double' },
  { name: 'ok', type: 'boolean' },
  { name: 'small', type: 'int32' },
  { name: 'tags', type: { list: 'string' } },
  {
    name: 'extra_info',
    type: {
      struct: [
        { name: 'index', type: 'int64' },
        { name: 'split', type: 'string' },
      ],
    },
  },
];

function row(i: number): Record<string, unknown> {
  const messages = [{ role: 'system', content: 'You are a helpful assistant.' }];
  for (let k = 0; k < i % 4; k++) messages.push({ role: k % 2 ? 'assistant' : 'user', content: `step ${k} of "${i}": é 步骤 😀` });
  return {
    prompt: messages,
    target: `x = ${i}`,
    step: i,
    score: i / 3,
    ok: i % 2 === 0,
    small: 1000 - i * 37,
    tags: i % 5 === 0 ? [] : ['a', `t${i}`],
    extra_info: { index: i, split: i % 3 === 0 ? null : 'train' },
  };
}

/** What hyparquet reads back for a row: int64 as bigint. */
function expected(i: number): Record<string, unknown> {
  const r = row(i);
  return { ...r, step: BigInt(i), extra_info: { index: BigInt(i), split: i % 3 === 0 ? null : 'train' } };
}

describe('writeParquet', () => {
  it('round-trips nested columns: lists of structs, structs, lists, nulls', async () => {
    const file = join(dir, 'nested.parquet');
    const rows = Array.from({ length: 57 }, (_, i) => row(i));
    expect(await writeParquet(rows, file, { schema: SCHEMA, rowGroupSize: 10 })).toEqual({ rows: 57, rowGroups: 6 });
    const back = await readBack(file);
    expect(back).toEqual(rows.map((_, i) => expected(i)));
    expect(back[3]!['prompt']).toEqual(rows[3]!['prompt']);
  });

  it('writes the standard three-level LIST and STRING types, as pyarrow does', async () => {
    const file = join(dir, 'schema.parquet');
    await writeParquet([row(1)], file, { schema: SCHEMA, metadata: { creator: 'test' } });
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
    const elements = metadata.schema.map((e) => [e.name, e.repetition_type, e.type ?? e.converted_type ?? null]);
    expect(elements.slice(0, 7)).toEqual([
      ['schema', undefined, null],
      ['prompt', 'OPTIONAL', 'LIST'],
      ['list', 'REPEATED', null],
      ['element', 'OPTIONAL', null],
      ['role', 'OPTIONAL', 'BYTE_ARRAY'],
      ['content', 'OPTIONAL', 'BYTE_ARRAY'],
      ['target', 'REQUIRED', 'BYTE_ARRAY'],
    ]);
    expect(metadata.schema[4]!.converted_type).toBe('UTF8');
    expect(metadata.key_value_metadata).toContainEqual({ key: 'creator', value: 'test' });
    expect(metadata.created_by).toMatch(/^srl-kit/);
  });

  it('buffers one row group at a time: each group is on disk before the next row is pulled', async () => {
    const file = join(dir, 'groups.parquet');
    const sizes: number[] = [];
    async function* rows(): AsyncGenerator<Record<string, unknown>> {
      for (let i = 0; i < 1000; i++) {
        // The file being written is the temporary one beside the path (renamed onto it at the end).
        const writing = readdirSync(dir).find((f) => f.startsWith('.groups.parquet.') && f.endsWith('.tmp'));
        if (i > 0 && i % 100 === 0) sizes.push(statSync(join(dir, writing!)).size);
        yield row(i);
      }
    }
    expect(await writeParquet(rows(), file, { schema: SCHEMA, rowGroupSize: 100 })).toEqual({ rows: 1000, rowGroups: 10 });
    expect(sizes).toHaveLength(9);
    for (let g = 1; g < sizes.length; g++) expect(sizes[g]!).toBeGreaterThan(sizes[g - 1]!);
    const back = await readBack(file);
    expect(back).toHaveLength(1000);
    expect(back[999]).toEqual(expected(999));
  });

  it('ends row groups early when their text passes rowGroupChars', async () => {
    const file = join(dir, 'chars.parquet');
    const rows = Array.from({ length: 100 }, (_, i) => ({ text: `${i}`.padEnd(1000, '.') }));
    const schema: ParquetSchema = [{ name: 'text', type: 'string' }];
    expect(await writeParquet(rows, file, { schema, rowGroupChars: 10_000 })).toEqual({ rows: 100, rowGroups: 10 });
    expect(await writeParquet(rows, file, { schema, rowGroupChars: 10_000, rowGroupSize: 4 })).toEqual({ rows: 100, rowGroups: 25 });
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual(Array(25).fill(4));
    expect(await readBack(file)).toEqual(rows);
  });

  it('writes an empty file with the schema when there are no rows, and uncompressed pages', async () => {
    const file = join(dir, 'empty.parquet');
    expect(await writeParquet([], file, { schema: SCHEMA })).toEqual({ rows: 0, rowGroups: 0 });
    expect(await readBack(file)).toEqual([]);
    const plain = join(dir, 'plain.parquet');
    await writeParquet([row(2)], plain, { schema: SCHEMA, compression: 'none' });
    expect(await readBack(plain)).toEqual([expected(2)]);
  });

  it('checks each row against the schema, names the row and field, and removes the file', async () => {
    const file = join(dir, 'bad.parquet');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...row(3), prompt: [{ role: 'user', content: 7 }] }, '$[3].prompt[0].content', 'a string'],
      [{ ...row(3), target: null }, '$[3].target', 'a value (the field is not nullable)'],
      [{ ...row(3), step: 1.5 }, '$[3].step', 'an integer'],
      [{ ...row(3), small: 2 ** 40 }, '$[3].small', 'a 32-bit integer'],
      [{ ...row(3), extra_info: [] }, '$[3].extra_info', 'an object'],
      [{ ...row(3), tags: 'a' }, '$[3].tags', 'an array'],
    ];
    for (const [bad, path, expectedText] of cases) {
      const rows = [row(0), row(1), row(2), bad];
      const error = await writeParquet(rows, file, { schema: SCHEMA }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrajectoryError);
      expect([(error as TrajectoryError).path, (error as TrajectoryError).expected]).toEqual([path, expectedText]);
      expect((error as TrajectoryError).source).toBe(file);
      expect(existsSync(file)).toBe(false);
    }
    await expect(writeParquet([row(0), 'not a row'], file, { schema: SCHEMA })).rejects.toThrow(/\$\[1\]: expected a row object/);
  });

  it('accepts bigints for int64 and ignores keys not in the schema', async () => {
    const file = join(dir, 'bigint.parquet');
    await writeParquet([{ n: 2n ** 60n, other: 'dropped' }], file, { schema: [{ name: 'n', type: 'int64' }] });
    expect(await readBack(file)).toEqual([{ n: 2n ** 60n }]);
  });

  it('rejects bad schemas and options', async () => {
    const file = join(dir, 'x.parquet');
    await expect(writeParquet([], file, { schema: [] })).rejects.toThrow(/non-empty array/);
    await expect(writeParquet([], file, { schema: [{ name: 'a', type: 'text' as never }] })).rejects.toThrow(/unknown type/);
    const twice: ParquetSchema = [
      { name: 'a', type: 'string' },
      { name: 'a', type: 'int64' },
    ];
    await expect(writeParquet([], file, { schema: twice })).rejects.toThrow(/two fields named 'a'/);
    await expect(writeParquet([], file, { schema: [{ name: 's', type: { struct: [] } }] })).rejects.toThrow(/no fields/);
    await expect(writeParquet([], file, { schema: SCHEMA, rowGroupSize: 0 })).rejects.toThrow(RangeError);
    await expect(writeParquet([], file, { schema: SCHEMA, rowGroupChars: -1 })).rejects.toThrow(RangeError);
    await expect(writeParquet([], file, { schema: SCHEMA, compression: 'gzip' as never })).rejects.toThrow(TypeError);
    await expect(writeParquet([], file, undefined as never)).rejects.toThrow(/schema/);
    await expect(writeParquet({} as never, file, { schema: SCHEMA })).rejects.toThrow(/iterable/);
    expect(existsSync(file)).toBe(false);
  });
});
