import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pyStrip } from '../_lib/python-whitespace.js';
import { parseMiniSweAgent } from './parse-mini-swe-agent.js';
import { TrajectoryError } from './trajectory-error.js';
import { thrown } from '../../test/helpers/thrown.js';

const messages = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../test/fixtures/trajectories/agent/mini-swe-agent_github_issue.traj.json'), 'utf8'),
) as { role: string; content: string }[];

const FENCE = '```mswea_bash_command\n';

describe('parseMiniSweAgent on a real run', () => {
  const t = parseMiniSweAgent(messages, { source: 'github_issue.traj.json' });

  it('makes one step per assistant message: the command, the text before it, the next message', () => {
    const assistant = messages.map((m, i) => ({ ...m, i })).filter((m) => m.role === 'assistant');
    expect(messages).toHaveLength(22);
    expect(assistant).toHaveLength(10);
    expect(t.steps).toHaveLength(assistant.length);
    assistant.forEach((m, k) => {
      const start = m.content.indexOf(FENCE);
      const end = m.content.indexOf('\n```', start + FENCE.length);
      expect(m.content.split(FENCE)).toHaveLength(2); // exactly one block in the file
      expect(t.steps[k]).toEqual({
        action: m.content.slice(start + FENCE.length, end).trim(),
        thought: m.content.slice(0, start).trim(),
        observation: messages[m.i + 1]!.content,
      });
    });
    expect(t.steps[1]).toEqual({
      action: 'ls -la',
      thought: 'I need to find the correct path to the file. Let me check the current directory structure:',
      observation: messages[5]!.content,
    });
    expect(t.steps[1]!.observation).toMatch(/^<returncode>0<\/returncode>\n<output>\n/);
  });

  it('keeps the final submit command, its observation the diff', () => {
    expect(t.steps.at(-1)!.action).toBe('echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached');
    expect(t.steps.at(-1)!.observation).toBe(messages[21]!.content);
    expect(t.steps.at(-1)!.observation).toMatch(/^diff --git/);
  });

  it('takes the first user message as the task (or the messages before the first step)', () => {
    expect(t.task).toBe(messages[1]!.content);
    expect(parseMiniSweAgent(messages, { taskFrom: 'messages' }).task).toEqual(messages.slice(0, 2));
    expect(t.meta).toEqual({ format: 'mini-swe-agent', source: 'github_issue.traj.json' });
  });

  it('reads the {info, messages} form of newer versions', () => {
    const u = parseMiniSweAgent({ info: { exit_status: 'Submitted' }, messages, trajectory_format: 'mini-swe-agent-1' }, { id: 'gh-1' });
    expect(u.steps).toEqual(t.steps);
    expect(u.id).toBe('gh-1');
    expect(u.meta).toEqual({ format: 'mini-swe-agent', exitStatus: 'Submitted' });
  });
});

describe('parseMiniSweAgent invalid turns', () => {
  const twoBlocks = structuredClone(messages);
  twoBlocks[4]!.content = `Two at once.\n\n${FENCE}ls\n\`\`\`\n\n${FENCE}pwd\n\`\`\``;
  twoBlocks.splice(5, 0, { role: 'user', content: 'Please always provide EXACTLY ONE action in triple backticks, found 2 actions.' });

  it('rejects an assistant message with two blocks, naming $[i].content', () => {
    const e = thrown(() => parseMiniSweAgent(twoBlocks, { source: 'x.json' }));
    expect([e.source, e.path, e.expected, e.found]).toEqual(['x.json', '$[4].content', 'exactly one ```mswea_bash_command block', '2 action blocks']);
  });

  it('skips it (and the format-error reply) when asked, and counts it', () => {
    const t = parseMiniSweAgent(twoBlocks, { onInvalidTurn: 'skip' });
    expect(t.steps).toHaveLength(9);
    expect(t.steps.map((s) => s.observation)).not.toContain(twoBlocks[5]!.content);
    expect(t.meta).toEqual({ format: 'mini-swe-agent', skippedTurns: 1 });
  });

  it('rejects a message with no block, and finds blocks with another regex', () => {
    const plain = structuredClone(messages);
    plain[2]!.content = 'I will just think.';
    const e = thrown(() => parseMiniSweAgent({ messages: plain }));
    expect([e.path, e.found]).toEqual(['$.messages[2].content', 'no action block']);
    const bash = messages.map((m) => ({ ...m, content: m.content.replaceAll('```mswea_bash_command', '```bash') }));
    expect(() => parseMiniSweAgent(bash)).toThrow(/no action block/);
    expect(parseMiniSweAgent(bash, { actionRegex: /```bash\s*\n(.*?)\n```/s }).steps.map((s) => s.action)).toEqual(
      parseMiniSweAgent(messages).steps.map((s) => s.action),
    );
  });

  it("finds the block with Python's whitespace after the fence, as mini-swe-agent does (CPython's re: U+001F yes, U+FEFF no)", () => {
    const withSpace = (space: string) => [messages[1]!, { role: 'assistant', content: `Look.\n\n\`\`\`mswea_bash_command${space}\nls\n\`\`\`` }];
    expect(parseMiniSweAgent(withSpace('\u001f')).steps).toEqual([{ action: 'ls', thought: 'Look.' }]);
    expect(parseMiniSweAgent(withSpace('\u0085 ')).steps).toEqual([{ action: 'ls', thought: 'Look.' }]);
    expect(() => parseMiniSweAgent(withSpace('\ufeff'))).toThrow(/no action block/);
  });

  it('rejects non-arrays and bad options', () => {
    expect(() => parseMiniSweAgent('[]')).toThrow(/argument 'messages' must be an array of messages or an object/);
    expect(() => parseMiniSweAgent(messages, { actionRegex: '```bash' as never })).toThrow(/option 'actionRegex' must be a RegExp/);
    expect(() => parseMiniSweAgent(messages, { actionRegex: /```mswea_bash_command/ })).toThrow(/capture group/);
    const e = thrown(() => parseMiniSweAgent(messages.slice(2)));
    expect([e.path, e.expected]).toEqual(['$', 'a user message with text before the first assistant message (the task)']);
  });
});

describe('parseMiniSweAgent: the default action block in linear time', () => {
  /** The reference: mini-swe-agent's default action_regex with Python's `\s`, run by a backtracking engine. */
  const REFERENCE = /```mswea_bash_command[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\n(.*?)\n```/gs;
  const run = (content: string) => [
    { role: 'system', content: 's' },
    { role: 'user', content: 'task' },
    { role: 'assistant', content },
    { role: 'user', content: 'obs' },
  ];

  it('finds the same single block as the regex on random responses (and fails where it finds none or several)', () => {
    const pieces = ['```mswea_bash_command', '\n```', '\n', ' ', '\t', '\u0085', 'ls', 'x', '`', '```'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), (parts) => {
        const content = parts.join('');
        const want = [...content.matchAll(REFERENCE)];
        // One block with a non-empty command is a step (its command stripped); anything else is an error.
        const expected = want.length === 1 && pyStrip(want[0]![1]!) !== '' ? pyStrip(want[0]![1]!) : undefined;
        let got: string | undefined;
        try {
          got = parseMiniSweAgent(run(content)).steps[0]!.action;
        } catch (err) {
          if (!(err instanceof TrajectoryError)) throw err;
          got = undefined;
        }
        expect(got).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('is linear on an opener that is never closed (200,000 newlines)', () => {
    const content = `THOUGHT\n\`\`\`mswea_bash_command${'\n'.repeat(200_000)}x`;
    const t0 = performance.now();
    expect(() => parseMiniSweAgent(run(content))).toThrow(/no action block/);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
