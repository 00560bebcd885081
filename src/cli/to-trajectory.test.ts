import { describe, expect, it } from 'vitest';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import { detectFormat, toTrajectory } from './to-trajectory.js';

describe('detectFormat', () => {
  it('applies the documented rules in order', () => {
    expect(detectFormat({ task: 't', steps: [] })).toBe('trajectory');
    expect(detectFormat({ problem: 'p', solution: '1. a\n2. b' })).toBe('numbered');
    expect(detectFormat({ question: 'q', answer: 'a\n#### 3' })).toBe('gsm8k');
    expect(detectFormat({ trajectory: [], history: [] })).toBe('sweagent');
    expect(detectFormat({ messages: [], trajectory_format: 'mini-swe-agent-1' })).toBe('mini-swe-agent');
    expect(detectFormat([{ role: 'assistant', content: 'x\n```mswea_bash_command\nls\n```' }])).toBe('mini-swe-agent');
    expect(detectFormat([{ role: 'assistant', content: [{ type: 'tool_use', name: 'f', input: {} }] }])).toBe('anthropic');
    expect(detectFormat({ messages: [{ role: 'user', content: 'hi' }] })).toBe('openai');
    expect(detectFormat({ foo: 1 })).toBeUndefined();
    expect(detectFormat('text')).toBeUndefined();
  });
});

describe('toTrajectory', () => {
  it('builds a numbered-solution trajectory with its id', () => {
    const t = toTrajectory({ id: 7, problem: 'P', solution: '1. **A**: x\n2. **B**: y' }, 'auto', 's') as { id: string; steps: unknown[] };
    expect(t.id).toBe('7');
    expect(t.steps).toHaveLength(2);
  });
  it('throws a TrajectoryError naming the record for an unknown record', () => {
    expect(() => toTrajectory({ foo: 1 }, 'auto', 'in.jsonl record 3')).toThrow(TrajectoryError);
    expect(() => toTrajectory({ foo: 1 }, 'auto', 'in.jsonl record 3')).toThrow(/^in\.jsonl record 3, \$: expected a trajectory record/);
  });
});

describe('toTrajectory: Anthropic records', () => {
  const messages = [
    { role: 'user', content: 'List the files.' },
    { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }, { type: 'tool_use', id: 't1', name: 'bash', input: { command: 'ls' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'a.txt' }] },
  ];
  it('keeps a top-level system prompt in the task', () => {
    const t = toTrajectory({ id: 'r1', system: 'You are careful.', messages }, 'auto', 'in.jsonl record 1') as { task: { role: string; content: string }[] };
    expect(t.task[0]).toEqual({ role: 'system', content: 'You are careful.' });
    expect(t.task[1]).toMatchObject({ role: 'user', content: 'List the files.' });
  });
  it('a system message inside messages is an error naming its path', () => {
    expect(() => toTrajectory({ messages: [{ role: 'system', content: 'x' }, ...messages] }, 'anthropic', 'in.jsonl record 2')).toThrow(/\$\.messages\[0\]\.role/);
  });
});
