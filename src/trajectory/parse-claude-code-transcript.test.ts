import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClaudeCodeTranscript } from './parse-claude-code-transcript.js';
import { thrown } from '../../test/helpers/thrown.js';

const text = readFileSync(
  resolve(import.meta.dirname, '../../test/fixtures/trajectories/chat/claude-code-log_representative_messages.jsonl'),
  'utf8',
);
interface Event {
  type: string;
  sessionId?: string;
  message?: { content: { type: string; text?: string; name?: string; input?: unknown; id?: string; tool_use_id?: string; content?: string }[] };
}
const events = text
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Event);

const line = (e: unknown) => JSON.stringify(e);
const userLine = (content: unknown, extra: object = {}) => line({ type: 'user', sessionId: 's1', message: { role: 'user', content }, ...extra });
const assistantLine = (id: string, content: unknown[], extra: object = {}) =>
  line({ type: 'assistant', sessionId: 's1', message: { id, role: 'assistant', content }, ...extra });

describe('parseClaudeCodeTranscript on a real transcript', () => {
  it('reads the task, one step per assistant event, and skips the summary', () => {
    const t = parseClaudeCodeTranscript(text, { source: 'rep.jsonl' });
    const assistant = events.filter((e) => e.type === 'assistant');
    expect(events.map((e) => e.type)).toContain('summary');
    expect(t.steps).toHaveLength(assistant.length); // each holds one block: text or tool_use
    expect(t.task).toBe(events[0]!.message!.content[0]!.text);
    expect(t.id).toBe(events[0]!.sessionId);
    expect(t.meta).toEqual({ format: 'claude-code', source: 'rep.jsonl', sessionId: 'test_session' });
    assistant.forEach((e, k) => {
      const block = e.message!.content[0]!;
      expect(t.steps[k]!.action).toBe(block.type === 'tool_use' ? `${block.name}(${JSON.stringify(block.input)})` : block.text!.trim());
      if (block.type === 'tool_use') {
        const answer = events.flatMap((x) => x.message?.content ?? []).find((b) => b.tool_use_id === block.id);
        expect(t.steps[k]!.observation).toBe(answer!.content);
      }
    });
    // The last reply is answered by the user's last message.
    expect(t.steps.at(-1)!.observation).toBe(events[10]!.message!.content[0]!.text);
  });
});

describe('parseClaudeCodeTranscript rules', () => {
  it('joins the lines of one response (same message.id) and skips meta and sidechain events', () => {
    const jsonl = [
      userLine('Fix the bug.'),
      userLine('Caveat: ...', { isMeta: true }),
      assistantLine('m1', [{ type: 'thinking', thinking: 'Look first.' }]),
      assistantLine('m1', [{ type: 'text', text: 'Reading the file.' }]),
      assistantLine('m1', [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: 'a.py' } }]),
      assistantLine('x9', [{ type: 'text', text: 'sub-agent chatter' }], { isSidechain: true }),
      userLine([{ type: 'tool_result', tool_use_id: 't1', content: 'print(1)' }]),
      '',
      assistantLine('m2', [{ type: 'text', text: 'It prints 1.' }]),
      line({ type: 'summary', summary: 'x' }),
    ].join('\n');
    const t = parseClaudeCodeTranscript(jsonl);
    expect(t).toEqual({
      id: 's1',
      task: 'Fix the bug.',
      steps: [
        { action: 'Read({"file_path":"a.py"})', thought: 'Look first.\n\nReading the file.', observation: 'print(1)' },
        { action: 'It prints 1.' },
      ],
      meta: { format: 'claude-code', sessionId: 's1' },
    });
    expect(parseClaudeCodeTranscript(jsonl, { includeSidechains: true }).steps.map((s) => s.action)).toContain('sub-agent chatter');
  });

  it('names the line and the path inside it', () => {
    let e = thrown(() => parseClaudeCodeTranscript([userLine('x'), '{"type": "assistant",'].join('\n'), { source: 's.jsonl' }));
    expect([e.source, e.line, e.path, e.expected]).toEqual(['s.jsonl', 2, '$', 'a JSON object (one event per line)']);
    expect(e.found).toMatch(/^invalid JSON/);
    e = thrown(() =>
      parseClaudeCodeTranscript([userLine('x'), '', assistantLine('m', [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }, { type: 'tool_use', id: 'u', name: 'Bash' }])].join('\n')),
    );
    expect([e.line, e.path, e.expected, e.found]).toEqual([3, '$.message.content[1].input', 'the tool input (a JSON value)', 'nothing']);
    e = thrown(() => parseClaudeCodeTranscript([userLine('x'), line({ type: 'assistant' })].join('\n')));
    expect([e.line, e.path, e.found]).toEqual([2, '$.message', 'nothing']);
    e = thrown(() => parseClaudeCodeTranscript(line({ type: 'summary', summary: 's' })));
    expect([e.line, e.path, e.expected]).toEqual([undefined, '$', 'a user message with text before the first assistant message (the task)']);
    expect(() => parseClaudeCodeTranscript(events as never)).toThrow(/argument 'jsonlText' must be a string, got array/);
  });
});
