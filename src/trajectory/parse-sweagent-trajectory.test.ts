import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSweAgentTrajectory } from './parse-sweagent-trajectory.js';
import { renderToolCallXml } from './render-tool-call.js';
import { thrown } from '../../test/helpers/thrown.js';

const dir = resolve(import.meta.dirname, '../../test/fixtures/trajectories/agent');

interface Entry {
  action: string;
  thought: string;
  observation: string;
}
interface HistoryMessage {
  role: string;
  content: string;
  thought?: string;
  action?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_ids?: string[];
}
const traj = JSON.parse(readFileSync(resolve(dir, 'sweagent_marshmallow-1867_thought_action.traj'), 'utf8')) as {
  trajectory: Entry[];
  history: HistoryMessage[];
  info: { exit_status: string };
};
const demo = parse(readFileSync(resolve(dir, 'sweagent_str_replace_anthropic_demo.yaml'), 'utf8')) as {
  history: HistoryMessage[];
  replay_config: { problem_statement: { id: string } };
};

describe('parseSweAgentTrajectory on a real .traj (trajectory form)', () => {
  const t = parseSweAgentTrajectory(traj, { source: 'marshmallow-1867.traj' });

  it('has one step per trajectory entry, actions stripped of the final newline', () => {
    expect(t.steps).toHaveLength(traj.trajectory.length);
    expect(t.steps).toHaveLength(14);
    expect(traj.trajectory[0]!.action).toBe('ls -F\n');
    expect(t.steps[0]!.action).toBe('ls -F');
    traj.trajectory.forEach((entry, i) => {
      expect(t.steps[i]!.action).toBe(entry.action.trim());
      expect(t.steps[i]!.thought).toBe(entry.thought.trim());
      expect(t.steps[i]!.observation).toBe(entry.observation);
    });
    // A multi-line edit keeps its inner lines and its end_of_edit marker.
    expect(t.steps[9]!.action.split('\n').at(-1)).toBe('end_of_edit');
    // `rm` printed nothing: the observation is an empty string, not undefined.
    expect(t.steps[12]).toMatchObject({ action: 'rm reproduce.py', observation: '' });
    expect(t.steps[13]!.action).toBe('submit');
  });

  it('takes the task from the first user message of the history', () => {
    expect(t.task).toBe(traj.history[1]!.content);
    expect(t.task).toMatch(/^We're currently solving the following issue/);
    const messages = parseSweAgentTrajectory(traj, { taskFrom: 'messages' }).task;
    expect(messages).toEqual([
      { role: 'system', content: traj.history[0]!.content },
      { role: 'user', content: traj.history[1]!.content },
    ]);
    expect(t.meta).toEqual({ format: 'swe-agent', form: 'trajectory', source: 'marshmallow-1867.traj', exitStatus: traj.info.exit_status });
    expect(t.id).toBeUndefined();
  });

  it('reads the same actions and thoughts from the history form', () => {
    const h = parseSweAgentTrajectory(traj, { form: 'history' });
    const assistant = traj.history.filter((m) => m.role === 'assistant');
    expect(h.steps).toHaveLength(assistant.length);
    expect(h.steps.map((s) => s.action)).toEqual(t.steps.map((s) => s.action));
    expect(h.steps.map((s) => s.thought)).toEqual(t.steps.map((s) => s.thought));
    // History observations are the messages the model saw (with the prompt suffix);
    // the last action has none: the run ended.
    expect(h.steps[0]!.observation).toBe(traj.history[3]!.content);
    expect(h.steps[0]!.observation!.startsWith(traj.trajectory[0]!.observation)).toBe(true);
    expect(h.steps[13]!.observation).toBeUndefined();
    expect(h.meta).toEqual({ format: 'swe-agent', form: 'history', exitStatus: 'submitted' });
  });
});

describe('parseSweAgentTrajectory on a real demonstration (history with tool_calls)', () => {
  const t = parseSweAgentTrajectory(demo);

  it('has one step per tool call, observations from the tool message with that id', () => {
    const calls = demo.history.filter((m) => m.role === 'assistant').flatMap((m) => m.tool_calls ?? []);
    expect(t.steps).toHaveLength(calls.length);
    expect(t.steps).toHaveLength(4);
    calls.forEach((c, i) => {
      expect(t.steps[i]!.action).toBe(`${c.function.name}(${JSON.stringify(JSON.parse(c.function.arguments))})`);
      const answer = demo.history.find((m) => m.role === 'tool' && m.tool_call_ids?.includes(c.id));
      expect(t.steps[i]!.observation).toBe(answer!.content);
    });
    expect(t.steps[0]!.thought).toBe(demo.history[1]!.content);
    expect(t.steps[3]!.action).toBe('submit({})');
  });

  it('takes the task, the id and the renderer', () => {
    expect(t.task).toBe(demo.history[0]!.content);
    expect(t.id).toBe(demo.replay_config.problem_statement.id);
    expect(t.meta).toEqual({ format: 'swe-agent', form: 'history' });
    const xml = parseSweAgentTrajectory(demo, { renderToolCall: renderToolCallXml });
    expect(xml.steps[0]!.action).toBe('<function=str_replace_editor>\n<parameter=command>view</parameter>\n<parameter=path>/swe-agent-test-repo</parameter>\n</function>');
  });
});

describe('parseSweAgentTrajectory errors and options', () => {
  it('reports bad entries with their JSON path, or skips them when asked', () => {
    const bad = structuredClone(traj) as { trajectory: Partial<Entry>[] };
    bad.trajectory[3]!.action = '\n';
    delete bad.trajectory[5]!.action;
    let e = thrown(() => parseSweAgentTrajectory(bad, { source: 'x.traj' }));
    expect([e.source, e.path, e.expected, e.found]).toEqual(['x.traj', '$.trajectory[3].action', 'a non-empty action', 'the string "\\n"']);
    const t = parseSweAgentTrajectory(bad, { onInvalidTurn: 'skip' });
    expect(t.steps).toHaveLength(12);
    expect(t.meta?.skippedTurns).toBe(2);

    const badDemo = structuredClone(demo);
    badDemo.history[3]!.tool_calls![0]!.function.arguments = '{"command": view}';
    e = thrown(() => parseSweAgentTrajectory(badDemo));
    expect([e.path, e.expected]).toEqual(['$.history[3].tool_calls[0].function.arguments', 'the arguments as a JSON string']);
    delete badDemo.history[3]!.tool_calls;
    e = thrown(() => parseSweAgentTrajectory(badDemo));
    expect([e.path, e.expected, e.found]).toEqual(['$.history[3].action', 'an action string or tool_calls', 'nothing']);
  });

  it('names the bad trajectory[] entry, not $.history, when the history is missing or bad too', () => {
    // A .traj holds `trajectory` before `history`: the entry is the first error of the file.
    const entries = structuredClone(traj.trajectory) as Partial<Entry>[];
    (entries[3] as Record<string, unknown>).action = 42;
    let e = thrown(() => parseSweAgentTrajectory({ trajectory: entries }));
    expect([e.path, e.expected, e.found]).toEqual(['$.trajectory[3].action', 'an action string', 'number 42']);
    e = thrown(() => parseSweAgentTrajectory({ trajectory: entries, history: [{ role: 'user', content: 7 }] }, { form: 'trajectory' }));
    expect(e.path).toBe('$.trajectory[3].action');
    e = thrown(() => parseSweAgentTrajectory({ trajectory: [...entries.slice(0, 2), 'ls'] }));
    expect([e.path, e.found]).toEqual(['$.trajectory[2]', 'the string "ls"']);
  });

  it("with form 'auto', a trajectory that is not an array is an error, not a silent switch to the history", () => {
    const e = thrown(() => parseSweAgentTrajectory({ ...traj, trajectory: { 0: traj.trajectory[0] } }));
    expect([e.path, e.expected, e.found]).toEqual(['$.trajectory', 'a trajectory array (or none: the steps are then read from history)', 'an object']);
    // None, null or empty: the history form, as before.
    expect(parseSweAgentTrajectory({ ...traj, trajectory: null }).meta?.form).toBe('history');
    expect(parseSweAgentTrajectory({ ...traj, trajectory: [] }).meta?.form).toBe('history');
  });

  it('needs a history for the task and rejects non-objects', () => {
    const e = thrown(() => parseSweAgentTrajectory({ trajectory: traj.trajectory }));
    expect([e.path, e.found]).toEqual(['$.history', 'nothing']);
    expect(() => parseSweAgentTrajectory([traj])).toThrow(/argument 'traj' must be an object/);
    expect(() => parseSweAgentTrajectory(traj, { form: 'steps' as never })).toThrow(/option 'form'/);
  });

  it('prefers the action string of a history message, linking its tool_calls ids to the tool message', () => {
    const t = parseSweAgentTrajectory({
      history: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'Fix #1.' },
        {
          role: 'assistant',
          content: 'Look around.',
          thought: 'Look around.',
          action: 'ls -a\n',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: '{"command":"ls -a"}' } }],
        },
        { role: 'tool', content: '. ..', tool_call_ids: ['c1'] },
      ],
    });
    expect(t.steps).toEqual([{ action: 'ls -a', thought: 'Look around.', observation: '. ..' }]);
  });

  it('leaves out demonstration messages of the history', () => {
    const withDemo = { history: [traj.history[0], { role: 'user', content: 'DEMO', is_demo: true }, ...traj.history.slice(1)] };
    const t = parseSweAgentTrajectory(withDemo);
    expect(t.task).toBe(traj.history[1]!.content);
    expect(t.steps).toHaveLength(14);
  });
});
