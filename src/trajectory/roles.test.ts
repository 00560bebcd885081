/**
 * Each chat parser accepts exactly the roles its format defines and rejects any
 * other with a TrajectoryError at the JSON path of the role, listing the roles
 * expected. Real files (whose roles were counted with plain JSON code) still parse.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/helpers/thrown.js';
import { parseAnthropicMessages } from './parse-anthropic-messages.js';
import { parseClaudeCodeTranscript } from './parse-claude-code-transcript.js';
import { parseMiniSweAgent } from './parse-mini-swe-agent.js';
import { parseOpenAIMessages } from './parse-openai-messages.js';
import { parseSweAgentTrajectory } from './parse-sweagent-trajectory.js';
import { parseTauBenchRecord } from './parse-tau-bench-record.js';

const fixture = (path: string): string => readFileSync(resolve(import.meta.dirname, '../../test/fixtures/trajectories', path), 'utf8');

const user = { role: 'user', content: 'What is in /tmp?' };
const callMessage = (id: string) => ({
  role: 'assistant',
  content: null,
  tool_calls: [{ id, type: 'function', function: { name: 'ls', arguments: '{"path":"/tmp"}' } }],
});

describe('parseOpenAIMessages: the roles of Chat Completions', () => {
  it('rejects a role the API does not define ("wizard"), with its path and the roles expected', () => {
    const e = thrown(() => parseOpenAIMessages([user, { role: 'wizard', content: 'Abracadabra.' }, callMessage('c1')]));
    expect(e.path).toBe('$[1].role');
    expect(e.expected).toBe('a role of OpenAI chat messages ("system", "developer", "user", "assistant", "tool" or "function")');
    expect(e.found).toBe('the string "wizard"');
    // After the first assistant message too, and inside {messages}.
    const late = thrown(() => parseOpenAIMessages({ messages: [user, callMessage('c1'), { role: 'Tool', tool_call_id: 'c1', content: 'a' }] }));
    expect([late.path, late.found]).toEqual(['$.messages[2].role', 'the string "Tool"']);
  });

  it('accepts developer (the newer system) and the legacy function role', () => {
    const t = parseOpenAIMessages([
      { role: 'developer', content: 'Be brief.' },
      user,
      { role: 'assistant', content: null, function_call: { name: 'ls', arguments: '{}' } },
      { role: 'function', name: 'ls', content: 'a.txt' },
    ]);
    expect(t.task).toEqual([{ role: 'developer', content: 'Be brief.' }, user]);
    expect(t.steps).toEqual([{ action: 'ls({})', observation: 'a.txt' }]);
  });
});

describe('parseTauBenchRecord: the roles tau-bench writes', () => {
  const records = JSON.parse(fixture('chat/tau-bench_gpt-4o-airline_first10.json')) as { traj: { role: string }[] }[];

  it('parses the real records (roles system, user, assistant, tool)', () => {
    const roles = new Set(records.flatMap((r) => r.traj.map((m) => m.role)));
    expect([...roles].sort()).toEqual(['assistant', 'system', 'tool', 'user']);
    for (const r of records) expect(() => parseTauBenchRecord(r)).not.toThrow();
  });

  it('rejects a role tau-bench does not write, even one OpenAI defines', () => {
    const record = structuredClone(records[0]!);
    record.traj[0]!.role = 'developer';
    const e = thrown(() => parseTauBenchRecord(record));
    expect([e.path, e.expected, e.found]).toEqual([
      '$.traj[0].role',
      'a role of tau-bench messages ("system", "user", "assistant" or "tool")',
      'the string "developer"',
    ]);
  });
});

describe('parseAnthropicMessages: user and assistant only', () => {
  const use = { type: 'tool_use', id: 't1', name: 'ls', input: {} };

  it('rejects a system message in the list (the API takes it as the top-level system)', () => {
    const e = thrown(() => parseAnthropicMessages([{ role: 'system', content: 'Be brief.' }, user, { role: 'assistant', content: [use] }]));
    expect([e.path, e.found]).toEqual(['$[0].role', 'the string "system"']);
    expect(e.expected).toBe('a role of Anthropic Messages ("user" or "assistant"); the system prompt goes in the top-level \'system\'');
  });

  it('rejects a tool role after the first turn, inside {messages}', () => {
    const e = thrown(() =>
      parseAnthropicMessages({ messages: [user, { role: 'assistant', content: [use] }, { role: 'tool', content: 'a.txt' }] }),
    );
    expect([e.path, e.found]).toEqual(['$.messages[2].role', 'the string "tool"']);
  });
});

describe("parseClaudeCodeTranscript: a message's role is its event's type", () => {
  const lines = fixture('chat/claude-code-log_representative_messages.jsonl').split('\n');

  it('parses the real transcript', () => {
    expect(parseClaudeCodeTranscript(lines.join('\n')).steps.length).toBeGreaterThan(0);
  });

  it('rejects a user event whose message says assistant, with the line', () => {
    const event = JSON.parse(lines[2]!) as { type: string; message: { role: string } };
    expect(event.type).toBe('user');
    event.message.role = 'assistant';
    const changed = [...lines];
    changed[2] = JSON.stringify(event);
    const e = thrown(() => parseClaudeCodeTranscript(changed.join('\n'), { source: 'session.jsonl' }));
    expect([e.source, e.line, e.path, e.found]).toEqual(['session.jsonl', 3, '$.message.role', 'the string "assistant"']);
    expect(e.expected).toBe('the role "user" of a user event (messages are "user" or "assistant", as their event)');
  });

  it('rejects a message without a role', () => {
    const e = thrown(() => parseClaudeCodeTranscript('{"type":"user","message":{"content":"Hi"}}'));
    expect([e.line, e.path, e.expected]).toEqual([1, '$.message.role', 'a role string']);
  });
});

describe("parseSweAgentTrajectory: the roles of SWE-agent's history", () => {
  const traj = JSON.parse(fixture('agent/sweagent_marshmallow-1867_thought_action.traj')) as { history: { role: string }[] };

  it('rejects an unknown role in the task part and in the steps part of the history, in both forms', () => {
    const a = structuredClone(traj);
    a.history[1]!.role = 'human';
    for (const form of ['trajectory', 'history'] as const) {
      const e = thrown(() => parseSweAgentTrajectory(a, { form }));
      expect([e.path, e.expected, e.found]).toEqual([
        '$.history[1].role',
        'a role of SWE-agent\'s history ("system", "user", "assistant" or "tool")',
        'the string "human"',
      ]);
    }
    const b = structuredClone(traj);
    b.history[5]!.role = 'observation';
    expect(thrown(() => parseSweAgentTrajectory(b, { form: 'history' })).path).toBe('$.history[5].role');
  });
});

describe('parseMiniSweAgent: system, user, assistant and exit', () => {
  const messages = JSON.parse(fixture('agent/mini-swe-agent_github_issue.traj.json')) as { role: string; content: string }[];

  it('rejects a tool message, pointing to parseOpenAIMessages', () => {
    const changed = structuredClone(messages);
    changed[3]!.role = 'tool';
    const e = thrown(() => parseMiniSweAgent(changed));
    expect([e.path, e.found]).toEqual(['$[3].role', 'the string "tool"']);
    expect(e.expected).toBe(
      'a role of mini-swe-agent messages ("system", "user", "assistant" or "exit"); runs with tool_calls are OpenAI chats: use parseOpenAIMessages',
    );
  });

  it("keeps mini-swe-agent 2's final exit message as the end of the last observation", () => {
    const run = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Please solve this issue.' },
      { role: 'assistant', content: 'Submit.\n\n```mswea_bash_command\necho COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git diff\n```' },
      { role: 'exit', content: 'diff --git a/x b/x', extra: { exit_status: 'Submitted' } },
    ];
    const t = parseMiniSweAgent({ messages: run, info: { exit_status: 'Submitted' } });
    expect(t.steps).toEqual([
      { action: 'echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git diff', thought: 'Submit.', observation: 'diff --git a/x b/x' },
    ]);
  });
});
