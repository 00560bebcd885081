import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpenAIMessages } from './parse-openai-messages.js';
import { renderToolCallXml } from './render-tool-call.js';
import { thrown } from '../../test/helpers/thrown.js';

interface RawCall {
  id: string;
  function: { name: string; arguments: string };
}
interface RawMessage {
  role: string;
  content: string | null;
  tool_calls?: RawCall[];
  tool_call_id?: string;
}
interface RawRecord {
  task_id: number;
  reward: number;
  traj: RawMessage[];
}

const records = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../test/fixtures/trajectories/chat/tau-bench_gpt-4o-airline_first10.json'), 'utf8'),
) as RawRecord[];

const user = { role: 'user', content: 'Do it.' };
const call = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } });

describe('parseOpenAIMessages on real tau-bench chats', () => {
  it('makes one step per tool call but think and per reply to the user, in order', () => {
    for (const record of records) {
      const msgs = record.traj;
      const calls = msgs.filter((m) => m.role === 'assistant').flatMap((m) => m.tool_calls ?? []);
      const thinks = calls.filter((c) => c.function.name === 'think').length;
      const toolCalls = calls.length - thinks;
      const textTurns = msgs.filter((m) => m.role === 'assistant' && !m.tool_calls?.length && m.content?.trim()).length;
      const t = parseOpenAIMessages(msgs);
      expect(t.steps).toHaveLength(toolCalls + textTurns);
      // thinkingTools: [] makes the think calls steps again (the behaviour before thinking tools).
      expect(parseOpenAIMessages(msgs, { thinkingTools: [] }).steps).toHaveLength(calls.length + textTurns);
      if (toolCalls > 0) {
        const skipped = parseOpenAIMessages(msgs, { textTurns: 'skip' });
        expect(skipped.steps).toHaveLength(toolCalls);
        expect(skipped.meta?.skippedTextTurns).toBe(textTurns);
      }
      // Records 1, 8 and 9 are chats without a tool call: without text turns they have no step.
      else expect(() => parseOpenAIMessages(msgs, { textTurns: 'skip' })).toThrow(/at least one agent step/);
    }
    // Counted by hand from the file: record 0 has 8 tool calls (one of them think) and 7 replies.
    expect(parseOpenAIMessages(records[0]!.traj).steps).toHaveLength(14);
    expect(parseOpenAIMessages(records[0]!.traj, { thinkingTools: [] }).steps).toHaveLength(15);
  });

  it('takes the system policy and first user message as the task', () => {
    const msgs = records[0]!.traj;
    const t = parseOpenAIMessages(msgs);
    expect(t.task).toEqual([
      { role: 'system', content: msgs[0]!.content },
      { role: 'user', content: msgs[1]!.content },
    ]);
    expect(parseOpenAIMessages(msgs, { taskRoles: ['user'] }).task).toEqual([{ role: 'user', content: msgs[1]!.content }]);
  });

  it('renders each call from its arguments and takes the observation from the tool message with that id', () => {
    for (const record of records.filter((r) => r.traj.some((m) => m.tool_calls?.length))) {
      const msgs = record.traj;
      // Every call, think included, as a step.
      const steps = parseOpenAIMessages(msgs, { textTurns: 'skip', thinkingTools: [] }).steps;
      let k = 0;
      msgs.forEach((m, i) => {
        for (const c of m.role === 'assistant' ? (m.tool_calls ?? []) : []) {
          const step = steps[k++]!;
          expect(step.action).toBe(`${c.function.name}(${JSON.stringify(JSON.parse(c.function.arguments))})`);
          // The answer is the next tool message with this id (ids repeat in this file: see below).
          const answer = msgs.slice(i + 1).find((r) => r.role === 'tool' && r.tool_call_id === c.id);
          expect(step.observation).toBe(answer?.content);
          if (m.content) expect(step.thought).toBe(m.content.trim());
          else expect(step.thought).toBeUndefined();
        }
      });
      expect(k).toBe(steps.length);
    }
  });

  it('matches a repeated call id to the latest call, not the first (tau-bench record 0 reuses ids)', () => {
    const msgs = records[0]!.traj;
    const ids = msgs.flatMap((m) => m.tool_calls ?? []).map((c) => c.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    const steps = parseOpenAIMessages(msgs, { textTurns: 'skip' }).steps;
    // Steps 0 and 1 share an id with later calls; each gets its own answer.
    expect(steps[0]!.action).toBe('get_user_details({"user_id":"mia_li_3668"})');
    expect(steps[0]!.observation).toBe(msgs[7]!.content);
    const again = steps.findIndex((s, i) => i > 0 && s.observation === msgs[17]!.content);
    expect(steps[again]!.action).toBe('calculate({"expression":"152 + 103"})');
  });

  it('gives a reply to the user the user answer as observation', () => {
    const msgs = records[1]!.traj; // a chat with no tool calls
    const t = parseOpenAIMessages(msgs);
    expect(t.steps[0]).toEqual({ action: msgs[2]!.content, observation: msgs[3]!.content });
    expect(t.steps.at(-1)!.observation).toBe(msgs.at(-1)!.content);
    expect(t.meta).toEqual({ format: 'openai-messages' });
  });
});

describe('parseOpenAIMessages rules', () => {
  it('accepts {messages}, a custom renderer and reasoning_content', () => {
    const t = parseOpenAIMessages(
      {
        messages: [
          user,
          { role: 'assistant', reasoning_content: 'hidden', content: 'Looking.', tool_calls: [call('a', 'bash', '{"command":"ls\\nls"}')] },
          { role: 'tool', tool_call_id: 'a', content: 'x' },
        ],
      },
      { renderToolCall: renderToolCallXml, id: 'run-1', source: 'f.json' },
    );
    expect(t).toEqual({
      id: 'run-1',
      task: [user],
      steps: [{ action: '<function=bash>\n<parameter=command>\nls\nls\n</parameter>\n</function>', thought: 'hidden\n\nLooking.', observation: 'x' }],
      meta: { format: 'openai-messages', source: 'f.json' },
    });
  });

  it('gives the thought of a message with several calls to its first call (or to each)', () => {
    const msgs = [
      user,
      { role: 'assistant', content: 'Both.', tool_calls: [call('a', 'f', '{}'), call('b', 'g', '{"x":1}')] },
      { role: 'tool', tool_call_id: 'b', content: 'B' },
      { role: 'tool', tool_call_id: 'a', content: 'A' },
    ];
    expect(parseOpenAIMessages(msgs).steps).toEqual([
      { action: 'f({})', thought: 'Both.', observation: 'A' },
      { action: 'g({"x":1})', observation: 'B' },
    ]);
    expect(parseOpenAIMessages(msgs, { shareThought: 'each' }).steps[1]).toEqual({ action: 'g({"x":1})', thought: 'Both.', observation: 'B' });
  });

  it('leaves the observation of an unanswered call undefined and counts it', () => {
    const t = parseOpenAIMessages([user, { role: 'assistant', content: null, tool_calls: [call('a', 'f', '{}')] }]);
    expect(t.steps).toEqual([{ action: 'f({})' }]);
    expect(t.meta).toEqual({ format: 'openai-messages', missingObservations: 1 });
  });

  it('appends a user message after tool results to the last step of the turn', () => {
    const t = parseOpenAIMessages([
      user,
      { role: 'assistant', content: null, tool_calls: [call('a', 'f', '{}')] },
      { role: 'tool', tool_call_id: 'a', content: 'A' },
      { role: 'user', content: 'stop that' },
      { role: 'assistant', content: 'OK.' },
    ]);
    expect(t.steps).toEqual([{ action: 'f({})', observation: 'A\n\nstop that' }, { action: 'OK.' }]);
  });

  it('reports arguments that are not JSON with their JSON path', () => {
    const e = thrown(() =>
      parseOpenAIMessages([user, { role: 'assistant', content: null, tool_calls: [call('a', 'f', '{"x": 1')] }], { source: 'run.json' }),
    );
    expect(e.path).toBe('$[1].tool_calls[0].function.arguments');
    expect(e.source).toBe('run.json');
    expect(e.expected).toBe('the arguments as a JSON string');
    expect(e.found).toMatch(/^the string "\{\\"x\\": 1", not valid JSON \(/);
    // The same error inside {messages} and in the 4th message of the real record 0.
    const msgs = structuredClone(records[0]!.traj);
    msgs[6]!.tool_calls![0]!.function.arguments = '{"user_id":';
    expect(thrown(() => parseOpenAIMessages({ messages: msgs })).path).toBe('$.messages[6].tool_calls[0].function.arguments');
  });

  it('skips invalid turns, with what answers them, when asked', () => {
    const msgs = [
      user,
      { role: 'assistant', content: null, tool_calls: [call('a', 'f', 'nope')] },
      { role: 'tool', tool_call_id: 'a', content: 'A' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'say something' },
      { role: 'assistant', content: null, tool_calls: [call('b', 'g', '{}')] },
      { role: 'tool', tool_call_id: 'b', content: 'B' },
    ];
    const e = thrown(() => parseOpenAIMessages(msgs.slice(0, 5).filter((_, i) => i !== 1 && i !== 2)));
    expect([e.path, e.expected, e.found]).toEqual(['$[1].content', 'text content or tool_calls (an assistant message with an action)', 'an empty string']);
    const t = parseOpenAIMessages(msgs, { onInvalidTurn: 'skip' });
    expect(t.steps).toEqual([{ action: 'g({})', observation: 'B' }]);
    expect(t.meta).toEqual({ format: 'openai-messages', skippedTurns: 2, unmatchedToolResults: 1 });
  });

  it('rejects malformed input with a path, and non-objects with a TypeError', () => {
    expect(() => parseOpenAIMessages('[]')).toThrow(TypeError);
    expect(() => parseOpenAIMessages(null)).toThrow(/argument 'messages' must be an array of messages or an object/);
    expect(() => parseOpenAIMessages([user], { textTurns: 'all' as never })).toThrow(/option 'textTurns' must be 'steps' or 'skip'/);
    let e = thrown(() => parseOpenAIMessages({ msgs: [] }));
    expect([e.path, e.expected, e.found]).toEqual(['$.messages', 'an array of messages', 'nothing']);
    e = thrown(() => parseOpenAIMessages([user, 'hi']));
    expect([e.path, e.found]).toEqual(['$[1]', 'the string "hi"']);
    e = thrown(() => parseOpenAIMessages([user, { content: 'x' }]));
    expect([e.path, e.expected]).toEqual(['$[1].role', 'a role string']);
    e = thrown(() => parseOpenAIMessages([{ role: 'assistant', content: 'Hi' }]));
    expect([e.path, e.expected]).toEqual(['$', 'a message before the first assistant message (the task)']);
    e = thrown(() => parseOpenAIMessages([user]));
    expect([e.path, e.expected, e.found]).toEqual(['$', 'at least one agent step (an assistant turn with an action)', 'an array of 1']);
    e = thrown(() => parseOpenAIMessages([user, { role: 'assistant', content: null, tool_calls: [call('a', ' ', '{}')] }]));
    expect([e.path, e.expected]).toEqual(['$[1].tool_calls[0].function.name', 'a non-empty tool name']);
    e = thrown(() => parseOpenAIMessages([user, { role: 'assistant', content: null, tool_calls: [call('a', 'f', '{}')] }], { renderToolCall: () => '' }));
    expect([e.path, e.expected]).toEqual(['$[1].tool_calls[0]', 'renderToolCall to return a non-empty string']);
  });
});
