import { describe, expect, it } from 'vitest';
import type { StepPrompt } from '../prompts/types.js';
import { toVerlRow, verlParquetSchema } from './to-verl-row.js';

const PROMPT: StepPrompt = {
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Solve x + 1 = 3. Next step?' },
  ],
  target: 'x = 2',
  stepIndex: 1,
  totalSteps: 3,
  trajectoryId: 'gsm8k-7',
  meta: { source: 'gsm8k' },
};

describe('toVerlRow', () => {
  it("is verl's row: data_source, prompt, ability, a rule reward on the target, extra_info", () => {
    expect(toVerlRow(PROMPT, { index: 41, split: 'train' })).toEqual({
      data_source: 'srl',
      prompt: PROMPT.messages,
      ability: 'srl',
      reward_model: { style: 'rule', ground_truth: 'x = 2' },
      extra_info: { index: 41, step_index: 1, total_steps: 3, trajectory_id: 'gsm8k-7', split: 'train' },
    });
  });

  it('takes the data source and ability, leaves out the split unless given, nulls a missing id', () => {
    const row = toVerlRow({ ...PROMPT, trajectoryId: undefined }, { dataSource: 'srl/gsm8k', ability: 'math' });
    expect([row.data_source, row.ability]).toEqual(['srl/gsm8k', 'math']);
    expect(row.extra_info).toEqual({ index: 0, step_index: 1, total_steps: 3, trajectory_id: null });
    expect('split' in row.extra_info).toBe(false);
  });

  it('adds the meta as JSON in extra_info with includeMeta', () => {
    const row = toVerlRow(PROMPT, { includeMeta: true });
    expect(JSON.parse(row.extra_info.meta ?? '')).toEqual({ source: 'gsm8k' });
    const extra = verlParquetSchema({ includeMeta: true })[4]!.type;
    expect(typeof extra === 'object' && 'struct' in extra && extra.struct.map((f) => f.name)).toEqual([
      'index',
      'step_index',
      'total_steps',
      'trajectory_id',
      'split',
      'meta',
    ]);
  });

  it('has a fixed schema whose columns are the row keys', () => {
    expect(verlParquetSchema().map((f) => f.name)).toEqual(Object.keys(toVerlRow(PROMPT)));
    expect(verlParquetSchema()[3]).toEqual({
      name: 'reward_model',
      type: { struct: [{ name: 'style', type: 'string' }, { name: 'ground_truth', type: 'string' }] },
    });
  });

  it('rejects bad options and prompts', () => {
    expect(() => toVerlRow(PROMPT, { index: -1 })).toThrow(RangeError);
    expect(() => toVerlRow(PROMPT, { dataSource: 3 as never })).toThrow(/dataSource/);
    expect(() => toVerlRow(PROMPT, { split: null as never })).toThrow(/split/);
    expect(() => toVerlRow({ ...PROMPT, target: undefined } as never)).toThrow(/target/);
  });
});
