import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepPrompt } from '../prompts/types.js';
import { readJsonl } from './read-jsonl.js';
import { toTrlRow } from './to-trl-row.js';
import { toVerlRow } from './to-verl-row.js';
import { writeDataset } from './write-dataset.js';
import { collect } from '../../test/helpers/collect.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-kit-write-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function prompt(i: number): StepPrompt {
  const messages = [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: `Problem ${i}: é 步骤 😀 "quoted".\n\nSteps so far: ${'1. a step\n'.repeat(i % 3)}` },
  ];
  return { messages, target: `step ${i}`, stepIndex: i % 4, totalSteps: 4, trajectoryId: i % 5 ? `t${i >> 2}` : undefined, meta: { i } };
}

async function* prompts(n: number): AsyncGenerator<StepPrompt> {
  for (let i = 0; i < n; i++) yield prompt(i);
}

/** A row as hyparquet reads it back: int64 as bigint. */
function bigints(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(bigints);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bigints(v)]));
  return value;
}

describe('writeDataset', () => {
  it('writes TRL rows as JSON Lines', async () => {
    const file = join(dir, 'trl.jsonl');
    const result = await writeDataset(prompts(25), file, { layout: 'trl' });
    expect(result).toEqual({ rows: 25, format: 'jsonl', layout: 'trl', bytes: readFileSync(file).length });
    expect(await collect(readJsonl(file))).toEqual(Array.from({ length: 25 }, (_, i) => toTrlRow(prompt(i))));
  });

  it('writes TRL rows as Parquet whose prompt column reads back as the messages', async () => {
    const file = join(dir, 'trl.parquet');
    const result = await writeDataset(prompts(25), file, { layout: 'trl', rowGroupSize: 10, includeMeta: true });
    expect(result).toEqual({ rows: 25, format: 'parquet', layout: 'trl', rowGroups: 3 });
    const back = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    expect(back.map((r) => r['prompt'])).toEqual(Array.from({ length: 25 }, (_, i) => prompt(i).messages));
    expect(back).toEqual(Array.from({ length: 25 }, (_, i) => bigints(toTrlRow(prompt(i), { includeMeta: true }))));
  });

  it('writes verl rows as Parquet, numbering extra_info.index from startIndex', async () => {
    const file = join(dir, 'verl.parquet');
    const options = { layout: 'verl', dataSource: 'srl/test', ability: 'math', split: 'test', startIndex: 100 } as const;
    expect(await writeDataset(prompts(12), file, options)).toEqual({ rows: 12, format: 'parquet', layout: 'verl', rowGroups: 1 });
    const back = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    const want = Array.from({ length: 12 }, (_, i) =>
      toVerlRow(prompt(i), { dataSource: 'srl/test', ability: 'math', split: 'test', index: 100 + i }),
    );
    expect(back).toEqual(want.map(bigints));
    expect(back[0]!['reward_model']).toEqual({ style: 'rule', ground_truth: 'step 0' });
  });

  it('writes verl rows as gzip JSON Lines, with a null split in Parquet only', async () => {
    const file = join(dir, 'verl.jsonl.gz');
    const result = await writeDataset([prompt(0), prompt(1)], file, { layout: 'verl' });
    expect(result).toMatchObject({ rows: 2, format: 'jsonl' });
    expect(await collect(readJsonl(file))).toEqual([toVerlRow(prompt(0), { index: 0 }), toVerlRow(prompt(1), { index: 1 })]);
    const parquet = join(dir, 'verl-nosplit.parquet');
    await writeDataset([prompt(0)], parquet, { layout: 'verl' });
    const [row] = await parquetReadObjects({ file: await asyncBufferFromFile(parquet) });
    expect(row!['extra_info']).toMatchObject({ split: null, trajectory_id: null });
  });

  it('takes the format from the path unless given', async () => {
    await expect(writeDataset([prompt(0)], join(dir, 'data.csv'), { layout: 'trl' })).rejects.toThrow(/cannot tell the format/);
    const file = join(dir, 'data.bin');
    expect(await writeDataset([prompt(0)], file, { layout: 'trl', format: 'parquet' })).toMatchObject({ format: 'parquet' });
    expect(readFileSync(file).subarray(0, 4).toString()).toBe('PAR1');
    expect(await writeDataset([prompt(0)], join(dir, 'd.ndjson'), { layout: 'trl' })).toMatchObject({ format: 'jsonl' });
  });

  it('rejects bad prompts and options, removing the file', async () => {
    const file = join(dir, 'bad.parquet');
    await expect(writeDataset([prompt(0), { nope: true } as never], file, { layout: 'trl' })).rejects.toThrow(TypeError);
    expect(existsSync(file)).toBe(false);
    await expect(writeDataset([], file, { layout: 'openrlhf' as never })).rejects.toThrow(/layout/);
    await expect(writeDataset([], file, undefined as never)).rejects.toThrow(/layout/);
    await expect(writeDataset(5 as never, file, { layout: 'trl' })).rejects.toThrow(/iterable/);
    await expect(writeDataset([], file, { layout: 'trl', format: 'csv' as never })).rejects.toThrow(/format/);
    await expect(writeDataset([], file, { layout: 'verl', startIndex: -1 })).rejects.toThrow(RangeError);
  });
});
