import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnthropicMessages } from './parse-anthropic-messages.js';
import { thrown } from '../../test/helpers/thrown.js';

interface Block {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string;
}
interface Message {
  role: string;
  content: string | Block[];
}

// The Anthropic messages of a real Claude Code transcript (its user and assistant events).
const messages = readFileSync(
  resolve(import.meta.dirname, '../../test/fixtures/trajectories/chat/claude-code-log_representative_messages.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { type: string; message?: Message })
  .filter((e) => e.type === 'user' || e.type === 'assistant')
  .map((e) => e.message!);

const blocks = (m: Message): Block[] => (typeof m.content === 'string' ? [] : m.content);

describe('parseAnthropicMessages on the messages of a real transcript', () => {
  it('makes a step per tool_use and per text reply, with tool results matched by id', () => {
    const assistant = messages.filter((m) => m.role === 'assistant');
    const toolUses = assistant.flatMap(blocks).filter((b) => b.type === 'tool_use');
    const replies = assistant.filter((m) => !blocks(m).some((b) => b.type === 'tool_use'));
    const t = parseAnthropicMessages(messages, { source: 'rep.jsonl' });
    expect(toolUses).toHaveLength(2);
    expect(t.steps).toHaveLength(toolUses.length + replies.length);
    expect(t.task).toEqual([{ role: 'user', content: blocks(messages[0]!)[0]!.text }]);

    const results = messages.flatMap(blocks).filter((b) => b.type === 'tool_result');
    for (const use of toolUses) {
      const step = t.steps.find((s) => s.action === `${use.name}(${JSON.stringify(use.input)})`);
      expect(step).toBeDefined();
      expect(step!.observation).toBe(results.find((r) => r.tool_use_id === use.id)!.content);
    }
    // The first reply's observation is the user's next question.
    expect(t.steps[0]).toEqual({ action: blocks(messages[1]!)[0]!.text!.trim(), observation: blocks(messages[2]!)[0]!.text });
    expect(t.meta).toEqual({ format: 'anthropic-messages', source: 'rep.jsonl' });
  });
});

describe('parseAnthropicMessages rules', () => {
  const use = (id: string, command: string) => ({ type: 'tool_use', id, name: 'Bash', input: { command } });
  const result = (id: string, content: unknown, isError = false) => ({ type: 'tool_result', tool_use_id: id, content, is_error: isError });

  it('reads thinking and text before each call as its thought, results as blocks, errors in meta', () => {
    const t = parseAnthropicMessages({
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: 'Fix it.' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Tests first.', signature: 's' },
            { type: 'text', text: 'Running tests.' },
            use('a', 'npm test'),
            { type: 'text', text: 'And lint.' },
            use('b', 'npm run lint'),
            { type: 'redacted_thinking', data: 'xx' },
          ],
        },
        {
          role: 'user',
          content: [
            result('a', [{ type: 'text', text: '1 failed' }, { type: 'image', source: {} }]),
            result('b', 'lint crashed', true),
            { type: 'text', text: 'Hurry.' },
          ],
        },
        { role: 'assistant', content: 'Done.' },
      ],
    });
    expect(t.task).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Fix it.' },
    ]);
    expect(t.steps).toEqual([
      { action: 'Bash({"command":"npm test"})', thought: 'Tests first.\n\nRunning tests.', observation: '1 failed\n[image]' },
      { action: 'Bash({"command":"npm run lint"})', thought: 'And lint.', observation: 'lint crashed\n\nHurry.' },
      { action: 'Done.' },
    ]);
    expect(t.meta).toEqual({ format: 'anthropic-messages', toolErrorSteps: [1] });
  });

  it('reports malformed blocks with their JSON path', () => {
    let e = thrown(() =>
      parseAnthropicMessages([{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'a', input: {} }] }]),
    );
    expect([e.path, e.expected, e.found]).toEqual(['$[1].content[0].name', 'a tool name string', 'nothing']);
    e = thrown(() =>
      parseAnthropicMessages({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'image' }] }] }),
    );
    expect([e.path, e.expected, e.found]).toEqual(['$.messages[1].content[0].type', 'a text, thinking, redacted_thinking or tool_use block', 'the string "image"']);
    e = thrown(() => parseAnthropicMessages([{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm' }] }]));
    expect([e.path, e.expected]).toEqual(['$[1].content', 'a tool_use block or text (an assistant message with an action)']);
    expect(() => parseAnthropicMessages('x')).toThrow(TypeError);
  });

  it('leaves a missing tool result undefined and counts it', () => {
    const t = parseAnthropicMessages([{ role: 'user', content: 'x' }, { role: 'assistant', content: [use('a', 'ls')] }]);
    expect(t.steps).toEqual([{ action: 'Bash({"command":"ls"})' }]);
    expect(t.meta).toEqual({ format: 'anthropic-messages', missingObservations: 1 });
  });
});
