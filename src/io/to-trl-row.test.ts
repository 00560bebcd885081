import { describe, expect, it } from 'vitest';
import type { StepPrompt } from '../prompts/types.js';
import { toTrlRow, trlParquetSchema } from './to-trl-row.js';

const PROMPT: StepPrompt = {
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Solve x + 1 = 3. Next step?' },
  ],
  target: 'x = 2',
  stepIndex: 1,
  totalSteps: 3,
  trajectoryId: 'gsm8k-7',
  meta: { source: 'gsm8k', srl: { template: 'math' } },
};

describe('toTrlRow', () => {
  it("is TRL's conversational prompt-only row, with the target and step as extra columns", () => {
    expect(toTrlRow(PROMPT)).toEqual({
      prompt: PROMPT.messages,
      target: 'x = 2',
      step_index: 1,
      total_steps: 3,
      trajectory_id: 'gsm8k-7',
    });
  });

  it('writes null for a missing trajectory id and copies messages as { role, content } only', () => {
    const withExtra = { role: 'user', content: 'hi', name: 'bob' };
    const row = toTrlRow({ ...PROMPT, trajectoryId: undefined, messages: [withExtra] });
    expect(row.trajectory_id).toBeNull();
    expect(row.prompt).toEqual([{ role: 'user', content: 'hi' }]);
    expect(row.prompt[0]).not.toBe(withExtra);
  });

  it('adds the meta as JSON with includeMeta, and the schema follows', () => {
    const row = toTrlRow(PROMPT, { includeMeta: true });
    expect(JSON.parse(row.meta ?? '')).toEqual(PROMPT.meta);
    expect(Object.keys(row)).toEqual(trlParquetSchema({ includeMeta: true }).map((f) => f.name));
    expect(Object.keys(toTrlRow(PROMPT))).toEqual(trlParquetSchema().map((f) => f.name));
  });

  it('has a fixed schema', () => {
    expect(trlParquetSchema()).toEqual([
      { name: 'prompt', type: { list: { struct: [{ name: 'role', type: 'string' }, { name: 'content', type: 'string' }] } } },
      { name: 'target', type: 'string' },
      { name: 'step_index', type: 'int64' },
      { name: 'total_steps', type: 'int64' },
      { name: 'trajectory_id', type: 'string' },
    ]);
  });

  it('rejects what is not a step prompt', () => {
    expect(() => toTrlRow(null as never)).toThrow(TypeError);
    expect(() => toTrlRow({ ...PROMPT, messages: 'hi' } as never)).toThrow(/messages/);
    expect(() => toTrlRow({ ...PROMPT, messages: [{ role: 'user' }] } as never)).toThrow(/messages\[0\]/);
    expect(() => toTrlRow({ ...PROMPT, target: 3 } as never)).toThrow(/target/);
    expect(() => toTrlRow({ ...PROMPT, stepIndex: '1' } as never)).toThrow(/stepIndex/);
    expect(() => toTrlRow({ ...PROMPT, trajectoryId: 5 } as never)).toThrow(/trajectoryId/);
    expect(() => toTrlRow(PROMPT, 'x' as never)).toThrow(/options/);
  });
});
