import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepPrompt } from '../prompts/types.js';
import { readJsonArray } from './read-json-array.js';
import { readJsonl } from './read-jsonl.js';
import { toTrlRow, trlParquetSchema } from './to-trl-row.js';
import { toVerlRow, verlParquetSchema } from './to-verl-row.js';
import { writeDataset } from './write-dataset.js';
import { writeJsonl } from './write-jsonl.js';
import { writeParquet } from './write-parquet.js';
import { collect } from '../../test/helpers/collect.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-kit-io-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROMPT: StepPrompt = { messages: [{ role: 'user', content: 'Next step?' }], target: 'x = 2', stepIndex: 0, totalSteps: 1, meta: {} };
const SCHEMA = [{ name: 'a', type: 'string' }] as const;

// A misspelled option would otherwise run silently with the default.
describe('every options bag of srl-kit/io rejects an unknown key, naming it and the nearest valid one', () => {
  it.each([
    ['readJsonl', 'onErorr', 'onError', () => collect(readJsonl(['{}'], { onErorr: 'skip' } as never))],
    ['readJsonl', 'maxLineByte', 'maxLineBytes', () => collect(readJsonl(['{}'], { maxLineByte: 10 } as never))],
    ['readJsonArray', 'maxElementByte', 'maxElementBytes', () => collect(readJsonArray(['[]'], { maxElementByte: 10 } as never))],
    ['writeJsonl', 'atomik', 'atomic', () => writeJsonl([{ a: 1 }], join(dir, 'a.jsonl'), { atomik: false } as never)],
    ['writeJsonl', 'gz', 'gzip', () => writeJsonl([{ a: 1 }], join(dir, 'b.jsonl'), { gz: true } as never)],
    ['writeParquet', 'rowGroupSise', 'rowGroupSize', () => writeParquet([{ a: 'x' }], join(dir, 'c.parquet'), { schema: SCHEMA, rowGroupSise: 5 } as never)],
    ['writeDataset', 'includeMetta', 'includeMeta', () => writeDataset([PROMPT], join(dir, 'd.jsonl'), { layout: 'trl', includeMetta: true } as never)],
    ['writeDataset', 'atomics', 'atomic', () => writeDataset([PROMPT], join(dir, 'e.parquet'), { layout: 'verl', atomics: false } as never)],
  ])('%s: %s', async (fn, key, nearest, call) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      `${fn}: unknown option '${key}' in 'options' (did you mean '${nearest}'?); valid options: ${validOptions[fn]!.join(', ')}`,
    );
  });

  it.each([
    ['toTrlRow', () => toTrlRow(PROMPT, { includeMetta: true } as never), 'includeMetta', 'includeMeta'],
    ['trlParquetSchema', () => trlParquetSchema({ includeMetta: true } as never), 'includeMetta', 'includeMeta'],
    ['toVerlRow', () => toVerlRow(PROMPT, { data_source: 'x' } as never), 'data_source', 'dataSource'],
    ['verlParquetSchema', () => verlParquetSchema({ split: 'train' } as never), 'split', 'includeMeta'],
  ])('%s', (fn, call, key, nearest) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(`${fn}: unknown option '${key}' in 'options' (did you mean '${nearest}'?)`);
  });

  it('writes nothing when an option is unknown', () => {
    expect(readdirSync(dir)).toEqual([]);
  });
});

const validOptions: Record<string, readonly string[]> = {
  readJsonl: ['source', 'onError', 'report', 'maxLineBytes'],
  readJsonArray: ['source', 'onError', 'report', 'maxElementBytes'],
  writeJsonl: ['gzip', 'end', 'atomic'],
  writeParquet: ['schema', 'rowGroupSize', 'rowGroupChars', 'compression', 'metadata', 'atomic'],
  writeDataset: ['layout', 'format', 'includeMeta', 'dataSource', 'ability', 'split', 'startIndex', 'rowGroupSize', 'rowGroupChars', 'gzip', 'atomic'],
};
