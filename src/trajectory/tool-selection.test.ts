/**
 * Thinking tools are not actions (issue 9, 1b): `thinkingTools`, `dropTools` and
 * `keepTools` of every parser that reads named tool calls, and SWE-agent's
 * `actionFrom`. Expected values come from the raw files (read here with plain JSON
 * code) or are worked out by hand.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseAnthropicMessages } from './parse-anthropic-messages.js';
import { parseClaudeCodeTranscript } from './parse-claude-code-transcript.js';
import { parseOpenAIMessages } from './parse-openai-messages.js';
import { parseSweAgentTrajectory } from './parse-sweagent-trajectory.js';
import { parseTauBenchRecord } from './parse-tau-bench-record.js';
import { TrajectoryError } from './trajectory-error.js';

const fixtures = resolve(import.meta.dirname, '../../test/fixtures/trajectories');

interface RawCall {
  id: string;
  function: { name: string; arguments: string };
}
interface RawMessage {
  role: string;
  content: string | null;
  tool_calls?: RawCall[] | null;
  tool_call_id?: string;
}
const records = JSON.parse(readFileSync(resolve(fixtures, 'chat/tau-bench_gpt-4o-airline_first10.json'), 'utf8')) as {
  task_id: number;
  trial: number;
  traj: RawMessage[];
}[];

const user = { role: 'user', content: 'Do it.' };
const call = (id: string, name: string, args: unknown) => ({
  id,
  type: 'function',
  function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
});
const assistant = (content: string | null, ...calls: ReturnType<typeof call>[]) => ({ role: 'assistant', content, tool_calls: calls });
const tool = (id: string, content: string) => ({ role: 'tool', tool_call_id: id, content });

describe('thinkingTools on the real tau-bench records', () => {
  // Every think call of the file: where it is, its thought, and the first assistant message after it.
  const thinks = records.flatMap((record, r) =>
    record.traj.flatMap((m, i) =>
      (m.tool_calls ?? [])
        .filter((c) => c.function.name === 'think')
        .map((c) => {
          const next = record.traj.findIndex((x, j) => j > i && x.role === 'assistant');
          return { r, i, id: c.id, thought: (JSON.parse(c.function.arguments) as { thought: string }).thought, next };
        }),
    ),
  );

  it('finds the five think calls of records 0, 3, 5 and 6, each answered by an empty tool message', () => {
    expect(thinks.map((t) => `${t.r}:${t.i}`)).toEqual(['0:22', '3:30', '3:46', '5:20', '6:14']);
    for (const t of thinks) expect(records[t.r]!.traj.find((m, j) => j > t.i && m.tool_call_id === t.id)?.content).toBe('');
  });

  it('makes no step of a think call; its thought opens the thought of the next step, its empty result is dropped', () => {
    for (const t of thinks) {
      const record = records[t.r]!;
      const steps = parseTauBenchRecord(record).steps;
      expect(steps.some((s) => s.action.startsWith('think('))).toBe(false);
      expect(steps.some((s) => s.observation === '')).toBe(false);
      // The next assistant message: a call (its first one is the next step) or a reply to the user.
      const next = record.traj[t.next]!;
      const firstCall = next.tool_calls?.[0];
      const action = firstCall
        ? `${firstCall.function.name}(${JSON.stringify(JSON.parse(firstCall.function.arguments))})`
        : next.content!.trim();
      const step = steps.find((s) => s.action === action && s.thought?.startsWith(t.thought.trim()));
      expect(step, `record ${t.r}, the step after the think call at traj[${t.i}]`).toBeDefined();
      // In these records the next message has no text of its own: the thought is the think text alone.
      expect(next.tool_calls ? next.content : null).toBeNull();
      expect(step!.thought).toBe(t.thought.trim());
    }
  });

  it('record 0: the calculate call after think gets its thought and its own observation', () => {
    const traj = records[0]!.traj;
    const steps = parseTauBenchRecord(records[0]).steps;
    const k = steps.findIndex((s) => s.action === 'calculate({"expression":"305 - 250"})');
    expect(traj[24]!.tool_calls![0]!.function.name).toBe('calculate');
    expect(steps[k]).toEqual({
      action: 'calculate({"expression":"305 - 250"})',
      thought: thinks[0]!.thought,
      observation: traj.find((m) => m.role === 'tool' && m.tool_call_id === traj[24]!.tool_calls![0]!.id)!.content,
    });
    expect(thinks[0]!.thought).toMatch(/^The total cost for the selected flights in economy class is \$255/);
  });

  it('record 3: a think before a reply to the user is that reply\'s thought; skipping the reply drops and counts it', () => {
    const record = records[3]!;
    const reply = record.traj[48]!;
    expect(reply.role).toBe('assistant');
    expect(reply.tool_calls ?? []).toHaveLength(0);
    const t = parseTauBenchRecord(record);
    expect(t.steps.find((s) => s.action === reply.content!.trim())?.thought).toBe(thinks[2]!.thought);
    expect(t.meta).toMatchObject({ thinkingCalls: 2 });
    const skipped = parseTauBenchRecord(record, { textTurns: 'skip' });
    expect(skipped.meta).toMatchObject({ thinkingCalls: 2, droppedThinkingCalls: 1 });
  });

  it('thinkingTools: [] gives the steps of before, think calls included', () => {
    const steps = parseTauBenchRecord(records[0], { thinkingTools: [] }).steps;
    const think = steps.find((s) => s.action.startsWith('think('));
    expect(think).toEqual({ action: `think(${JSON.stringify({ thought: thinks[0]!.thought })})`, observation: '' });
  });

  it('keepTools keeps only the named tools; dropTools drops them (think still folded into thoughts)', () => {
    const traj = records[0]!.traj;
    const calls = traj.flatMap((m) => m.tool_calls ?? []);
    const calculate = calls.filter((c) => c.function.name === 'calculate').length;
    const others = calls.filter((c) => c.function.name !== 'calculate' && c.function.name !== 'think').length;
    const kept = parseTauBenchRecord(records[0], { keepTools: ['calculate'], textTurns: 'skip' });
    expect(kept.steps.map((s) => s.action.slice(0, s.action.indexOf('(')))).toEqual(Array(calculate).fill('calculate'));
    expect(kept.meta).toMatchObject({ droppedToolCalls: others, thinkingCalls: 1 });
    const dropped = parseTauBenchRecord(records[0], { dropTools: ['calculate'], textTurns: 'skip' });
    expect(dropped.steps).toHaveLength(others);
    expect(dropped.meta).toMatchObject({ droppedToolCalls: calculate });
  });
});

describe('thinkingTools, dropTools and keepTools: the rules, by hand', () => {
  const ls = call('c2', 'bash', { command: 'ls' });

  it('a thinking call in its own turn: its text and the text before it open the next step\'s thought', () => {
    const t = parseOpenAIMessages([user, assistant('Plan.', call('c1', 'think', { thought: 'A' })), tool('c1', ''), assistant(null, ls), tool('c2', 'a.txt')]);
    expect(t.steps).toEqual([{ action: 'bash({"command":"ls"})', thought: 'Plan.\n\nA', observation: 'a.txt' }]);
    expect(t.meta).toEqual({ format: 'openai-messages', thinkingCalls: 1 });
  });

  it('a thinking call between two calls of one message goes to the second; shareThought each gives it all', () => {
    const msgs = [user, assistant('Plan.', ls, call('c1', 'think', { thought: 'B' }), call('c3', 'bash', { command: 'pwd' })), tool('c2', 'a'), tool('c3', '/')];
    expect(parseOpenAIMessages(msgs).steps.map((s) => s.thought)).toEqual(['Plan.', 'B']);
    expect(parseOpenAIMessages(msgs, { shareThought: 'each' }).steps.map((s) => s.thought)).toEqual(['Plan.', 'Plan.\n\nB']);
  });

  it('the thought text of other argument shapes, and a thinking call at the end (dropped, counted)', () => {
    const think = (args: unknown) =>
      parseOpenAIMessages([user, assistant(null, call('c1', 'reflect', args)), tool('c1', ''), assistant(null, ls)], {
        thinkingTools: ['reflect'],
      }).steps[0]!.thought;
    expect(think({ note: 'one string' })).toBe('one string');
    expect(think('"a JSON string"')).toBe('a JSON string');
    expect(think({ a: 1, b: 'two' })).toBe('{"a":1,"b":"two"}');
    expect(think({ note: 3 })).toBe('{"note":3}');
    expect(think({})).toBeUndefined();
    const t = parseOpenAIMessages([user, assistant(null, ls), tool('c2', 'a'), assistant('Done?', call('c1', 'think', { thought: 'yes' })), tool('c1', '')]);
    expect(t.steps).toEqual([{ action: 'bash({"command":"ls"})', observation: 'a' }]);
    expect(t.meta).toEqual({ format: 'openai-messages', thinkingCalls: 1, droppedThinkingCalls: 1 });
  });

  it('a thinking call before a reply to the user is the reply\'s thought', () => {
    const t = parseOpenAIMessages([user, assistant(null, call('c1', 'think', { thought: 'They want ls.' })), tool('c1', ''), { role: 'assistant', content: 'Run ls.' }]);
    expect(t.steps).toEqual([{ action: 'Run ls.', thought: 'They want ls.' }]);
  });

  it('a dropped call leaves its text to the next step, loses its result and counts', () => {
    const msgs = [user, assistant('Logging.', call('c1', 'log', { x: 1 })), tool('c1', 'ok'), assistant('Now ls.', ls), tool('c2', 'a')];
    const t = parseOpenAIMessages(msgs, { dropTools: ['log'] });
    expect(t.steps).toEqual([{ action: 'bash({"command":"ls"})', thought: 'Logging.\n\nNow ls.', observation: 'a' }]);
    expect(t.meta).toEqual({ format: 'openai-messages', droppedToolCalls: 1 });
    expect(parseOpenAIMessages(msgs, { keepTools: ['bash'] }).steps).toEqual(t.steps);
    // Given but matching nothing: counted as 0, so the option shows in meta.
    expect(parseOpenAIMessages(msgs, { dropTools: ['other'] }).meta).toEqual({ format: 'openai-messages', droppedToolCalls: 0 });
  });

  it('dropTools wins over thinkingTools; keepTools does not (thinkingTools: [] to drop think too)', () => {
    const msgs = [user, assistant(null, call('c1', 'think', { thought: 'T' })), tool('c1', ''), assistant(null, ls)];
    expect(parseOpenAIMessages(msgs, { dropTools: ['think'] }).steps).toEqual([{ action: 'bash({"command":"ls"})' }]);
    expect(parseOpenAIMessages(msgs, { keepTools: ['bash'] }).steps).toEqual([{ action: 'bash({"command":"ls"})', thought: 'T' }]);
    expect(parseOpenAIMessages(msgs, { keepTools: ['bash'], thinkingTools: [] }).steps).toEqual([{ action: 'bash({"command":"ls"})' }]);
  });

  it('never renders a call that is not a step', () => {
    const render = (c: { name: string }) => {
      if (c.name !== 'bash') throw new Error(`rendered ${c.name}`);
      return 'ls';
    };
    const msgs = [user, assistant(null, call('c1', 'think', { thought: 'T' }), call('c9', 'log', {}), ls)];
    expect(parseOpenAIMessages(msgs, { renderToolCall: render, dropTools: ['log'] }).steps).toEqual([{ action: 'ls', thought: 'T' }]);
  });

  it('messages after a turn made only of calls that are not steps are dropped with them', () => {
    const t = parseOpenAIMessages([user, assistant(null, ls), tool('c2', 'a'), assistant(null, call('c1', 'log', {})), { role: 'user', content: 'logged' }], {
      dropTools: ['log'],
    });
    expect(t.steps).toEqual([{ action: 'bash({"command":"ls"})', observation: 'a' }]);
  });

  it('Anthropic and Claude Code: a think tool_use is folded the same way', () => {
    const messages = [
      { role: 'user', content: 'Run the tests.' },
      { role: 'assistant', content: [{ type: 'text', text: 'First think.' }, { type: 'tool_use', id: 't0', name: 'think', input: { thought: 'npm test.' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't0', content: '' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '3 passed' }] },
    ];
    const expected = [{ action: 'Bash({"command":"npm test"})', thought: 'First think.\n\nnpm test.', observation: '3 passed' }];
    expect(parseAnthropicMessages(messages).steps).toEqual(expected);
    const jsonl = messages
      .map((m, i) => JSON.stringify({ type: m.role, message: { ...(m.role === 'assistant' && { id: `m${i}` }), ...m } }))
      .join('\n');
    const t = parseClaudeCodeTranscript(jsonl);
    expect(t.steps).toEqual(expected);
    expect(t.meta).toMatchObject({ thinkingCalls: 1 });
  });

  it('bad options are TypeErrors naming the option', () => {
    const msgs = [user, assistant(null, ls)];
    expect(() => parseOpenAIMessages(msgs, { dropTools: ['a'], keepTools: ['b'] })).toThrow(
      new TypeError("parseOpenAIMessages: options 'dropTools' and 'keepTools' cannot be used together: give the tools to drop, or the only tools to keep"),
    );
    expect(() => parseTauBenchRecord({ traj: msgs }, { thinkingTools: 'think' as never })).toThrow(
      new TypeError("parseTauBenchRecord: option 'thinkingTools' must be an array of strings, got string"),
    );
    expect(() => parseAnthropicMessages([{ role: 'user', content: 'x' }], { keepTools: ['ok', ''] })).toThrow(
      new TypeError("parseAnthropicMessages: option 'keepTools[1]' must be a tool name, got the empty string"),
    );
    expect(() => parseClaudeCodeTranscript('', { dropTools: [1] as never })).toThrow(/^parseClaudeCodeTranscript: option 'dropTools' must be an array of strings/);
    expect(() => parseSweAgentTrajectory({}, { keepTools: [], dropTools: [] })).toThrow(/^parseSweAgentTrajectory: options 'dropTools' and 'keepTools'/);
  });
});

describe('parseSweAgentTrajectory: tool calls of the history form', () => {
  const traj = JSON.parse(readFileSync(resolve(fixtures, 'agent/sweagent_marshmallow-1867_thought_action.traj'), 'utf8')) as unknown;
  const demo = parse(readFileSync(resolve(fixtures, 'agent/sweagent_str_replace_anthropic_demo.yaml'), 'utf8')) as unknown;

  // An assistant message as SWE-agent's function-calling parser records it: the model's
  // tool call, and the `action` string SWE-agent built from it and ran.
  const fc = (id: string, action: string, name: string, args: unknown, thought: string) => ({
    role: 'assistant',
    content: thought,
    thought,
    action,
    tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
  });
  const run = {
    history: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Fix the bug.' },
      fc('c1', 'str_replace_editor view /testbed', 'str_replace_editor', { command: 'view', path: '/testbed' }, 'Look around.'),
      { role: 'tool', content: 'a.py', tool_call_ids: ['c1'] },
      fc('c2', 'think', 'think', { thought: 'a.py is the one.' }, ''),
      { role: 'tool', content: '', tool_call_ids: ['c2'] },
      fc('c3', 'submit', 'submit', {}, 'Done.'),
      { role: 'tool', content: 'diff', tool_call_ids: ['c3'] },
    ],
  };

  it("actionFrom 'action' (default): the command SWE-agent ran; 'tool_calls': the model's call", () => {
    expect(parseSweAgentTrajectory(run).steps).toEqual([
      { action: 'str_replace_editor view /testbed', thought: 'Look around.', observation: 'a.py' },
      { action: 'submit', thought: 'a.py is the one.\n\nDone.', observation: 'diff' },
    ]);
    expect(parseSweAgentTrajectory(run, { actionFrom: 'tool_calls' }).steps).toEqual([
      { action: 'str_replace_editor({"command":"view","path":"/testbed"})', thought: 'Look around.', observation: 'a.py' },
      { action: 'submit({})', thought: 'a.py is the one.\n\nDone.', observation: 'diff' },
    ]);
    expect(parseSweAgentTrajectory(run, { thinkingTools: [] }).steps[1]).toEqual({ action: 'think', observation: '' });
    // submit dropped: the think text before it reaches no step.
    expect(parseSweAgentTrajectory(run, { dropTools: ['submit'] }).meta).toEqual({
      format: 'swe-agent',
      form: 'history',
      thinkingCalls: 1,
      droppedThinkingCalls: 1,
      droppedToolCalls: 1,
    });
  });

  it("the real demo has tool calls only: both actionFrom values give its 4 steps", () => {
    const steps = parseSweAgentTrajectory(demo).steps;
    expect(steps).toHaveLength(4);
    expect(parseSweAgentTrajectory(demo, { actionFrom: 'tool_calls' }).steps).toEqual(steps);
  });

  it("actionFrom 'tool_calls' reads history, which must have tool calls", () => {
    // The marshmallow run (SWE-agent 0.x) has actions and no tool calls: 'auto' reads history and fails at the first one.
    const e = (() => {
      try {
        parseSweAgentTrajectory(traj, { actionFrom: 'tool_calls' });
      } catch (error) {
        return error as TrajectoryError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(TrajectoryError);
    expect(e.path).toBe('$.history[2].tool_calls');
    expect(e.message).toMatch(/expected tool calls \(actionFrom: 'tool_calls'\)/);
    expect(() => parseSweAgentTrajectory(traj, { actionFrom: 'tool_calls', form: 'trajectory' })).toThrow(
      /^parseSweAgentTrajectory: option 'actionFrom' is 'tool_calls', which reads the history .* but option 'form' is 'trajectory'/,
    );
    expect(() => parseSweAgentTrajectory(traj, { actionFrom: 'calls' as never })).toThrow(
      /^parseSweAgentTrajectory: option 'actionFrom' must be 'action' or 'tool_calls', got "calls"/,
    );
  });
});
