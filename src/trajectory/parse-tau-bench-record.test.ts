import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpenAIMessages } from './parse-openai-messages.js';
import { parseTauBenchRecord } from './parse-tau-bench-record.js';
import { TrajectoryError } from './trajectory-error.js';

const records = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../test/fixtures/trajectories/chat/tau-bench_gpt-4o-airline_first10.json'), 'utf8'),
) as { task_id: number; trial: number; reward: number; traj: unknown[] }[];

describe('parseTauBenchRecord', () => {
  it('parses traj as OpenAI messages and keeps task id, trial and reward', () => {
    for (const record of records) {
      const t = parseTauBenchRecord(record, { source: 'gpt-4o-airline.json' });
      const plain = parseOpenAIMessages(record.traj);
      expect(t.steps).toEqual(plain.steps);
      expect(t.task).toEqual(plain.task);
      expect(t.id).toBe(`${record.task_id}/${record.trial}`);
      // Records 0, 3, 5 and 6 call tau-bench's think tool (1, 2, 1 and 1 times): not steps, counted.
      const calls = (record.traj as { tool_calls?: { function: { name: string } }[] }[]).flatMap((m) => m.tool_calls ?? []);
      const thinks = calls.filter((c) => c.function.name === 'think').length;
      expect(t.meta).toEqual({
        format: 'tau-bench',
        source: 'gpt-4o-airline.json',
        taskId: record.task_id,
        trial: record.trial,
        reward: record.reward,
        ...(thinks > 0 && { thinkingCalls: thinks }),
      });
    }
  });

  it('lets you keep only the successful runs', () => {
    const solved = records.map((r) => parseTauBenchRecord(r)).filter((t) => t.meta?.reward === 1);
    expect(solved.map((t) => t.id)).toEqual(records.filter((r) => r.reward === 1).map((r) => `${r.task_id}/${r.trial}`));
    expect(solved.map((t) => t.id)).toEqual(['6/0']);
  });

  it('reports errors with paths under $.traj', () => {
    const bad = structuredClone(records[0]!) as { traj: { tool_calls?: { function: { arguments: string } }[] }[] };
    bad.traj[6]!.tool_calls![0]!.function.arguments = '{';
    const e = (() => {
      try {
        parseTauBenchRecord(bad);
      } catch (error) {
        return error as TrajectoryError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(TrajectoryError);
    expect(e.path).toBe('$.traj[6].tool_calls[0].function.arguments');
    expect(() => parseTauBenchRecord({ task_id: 1 })).toThrow(/\$\.traj: expected an array of chat messages, found nothing/);
    expect(() => parseTauBenchRecord({ ...records[0], reward: '1' })).toThrow(/\$\.reward: expected a number, found the string "1"/);
    expect(() => parseTauBenchRecord([])).toThrow(TypeError);
    expect(parseTauBenchRecord(records[0], { id: 'mine' }).id).toBe('mine');
  });
});
