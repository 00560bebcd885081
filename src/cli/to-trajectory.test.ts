import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli/run-cli.js';
import { thrownOf } from '../../test/helpers/thrown.js';
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

describe('OpenHands runs (the real files of OpenHands tests/runtime/trajs)', () => {
  const FIXTURES = 'test/fixtures/trajectories/agent';
  const NAMES = ['basic', 'basic_gui_mode', 'basic_interactions', 'wrong_initial_state'] as const;
  const runs = NAMES.map((n) => JSON.parse(readFileSync(join(FIXTURES, `openhands_${n}.json`), 'utf8')) as Record<string, unknown>[]);

  it('detects an event array, and an evaluation record {instance_id, history}, as openhands', () => {
    for (const events of runs) expect(detectFormat(events)).toBe('openhands');
    expect(detectFormat({ instance_id: 'x', history: runs[3] })).toBe('openhands');
    // A SWE-agent history (chat messages with roles) is still SWE-agent.
    expect(detectFormat({ history: [{ role: 'system', content: 'x' }] })).toBe('sweagent');
    expect(detectFormat([{ role: 'user', content: 'hi', id: 0, source: 'user', action: 'message' }])).toBe('openai');
  });

  it('parses them with parseOpenHandsEvents, with --format auto or openhands', () => {
    const t = toTrajectory(runs[3], 'auto', 'runs.jsonl record 4') as { task: string; steps: { action: string }[]; meta: Record<string, unknown> };
    expect(t.task).toBe('Please rename game_2048.py to 2048.py');
    expect(t.steps.map((s) => s.action.split('\n')[0])).toEqual([
      '<function=str_replace_editor>',
      '<function=execute_bash>',
      '<function=str_replace_editor>',
      '<function=finish>',
    ]);
    expect(t.meta).toMatchObject({ format: 'openhands-events', source: 'runs.jsonl record 4' });
    expect(toTrajectory(runs[3], 'openhands', 'runs.jsonl record 4')).toEqual(t);
  });

  it('explains that a single event is not a run', () => {
    for (const format of ['auto', 'openhands'] as const) {
      const e = thrownOf(TrajectoryError, () => toTrajectory(runs[0]![0], format, 'run.json record 1'));
      expect([e.path, e.found]).toEqual([
        '$',
        'a single OpenHands event (a run is one record: its whole event array, e.g. one line of a .jsonl file)',
      ]);
    }
  });

  it('srl prompts writes one prompt per step of each run (one run per .jsonl line)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srl-openhands-'));
    try {
      const input = join(dir, 'runs.jsonl');
      writeFileSync(input, runs.map((r) => JSON.stringify(r)).join('\n') + '\n');
      for (const format of ['auto', 'openhands']) {
        const out = join(dir, `prompts-${format}.jsonl`);
        const r = runCli(['prompts', input, '-o', out, '--format', format]);
        expect(r.code).toBe(0);
        // basic 2 steps, basic_gui_mode 5, basic_interactions 3, wrong_initial_state 4.
        expect(r.stderr).toContain('records: 4, trajectories: 4, prompts: 14, skipped: 0');
        const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { target: string });
        expect(rows.map((row) => row.target).slice(-4)).toEqual([
          '<function=str_replace_editor>\n<parameter=command>view</parameter>\n<parameter=path>/workspace</parameter>\n</function>',
          '<function=execute_bash>\n<parameter=command>mv /workspace/game_2048.py /workspace/2048.py</parameter>\n<parameter=is_input>false</parameter>\n</function>',
          '<function=str_replace_editor>\n<parameter=command>view</parameter>\n<parameter=path>/workspace</parameter>\n</function>',
          '<function=finish>\n</function>',
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
