/**
 * Every options bag of the trajectory module rejects a key it does not know (a
 * misspelled option would otherwise run with the default), naming the function, the
 * argument, the key and the nearest valid one; and accepts every key it documents,
 * including those it forwards (parseLongCoT's options of parseNumberedSolution).
 * The valid sets below are typed against the option interfaces, not read from the code.
 */
import { describe, expect, it } from 'vitest';
import { mapSteps } from './map-steps.js';
import { parseAnthropicMessages } from './parse-anthropic-messages.js';
import { parseClaudeCodeTranscript, type ParseClaudeCodeTranscriptOptions } from './parse-claude-code-transcript.js';
import { parseGsm8kSolution, type ParseGsm8kSolutionOptions } from './parse-gsm8k-solution.js';
import { parseLongCoT, type ParseLongCoTOptions } from './parse-long-cot.js';
import { parseMiniSweAgent, type ParseMiniSweAgentOptions } from './parse-mini-swe-agent.js';
import { parseNumberedSolution, type ParseNumberedSolutionOptions } from './parse-numbered-solution.js';
import { parseOpenAIMessages } from './parse-openai-messages.js';
import type { ChatParseOptions } from './parse-options.js';
import { parseSweAgentTrajectory, type ParseSweAgentTrajectoryOptions } from './parse-sweagent-trajectory.js';
import { parseTauBenchRecord } from './parse-tau-bench-record.js';
import { splitParagraphs, type SplitParagraphsOptions } from './split-paragraphs.js';
import { splitThought } from './split-thought.js';
import { stripThinking, type StripThinkingOptions } from './strip-thinking.js';
import { TrajectoryError } from './trajectory-error.js';
import { assertTrajectory } from './validate-trajectory.js';

/** Every key of T, each set to undefined: the compiler checks the list is complete. */
type AllKeys<T> = { [K in keyof Required<T>]: undefined };

const solution = '1. **Add**: 1 + 2 = 3.';
const gsm8k = 'Add: 1 + 2 = <<1+2=3>>3\n#### 3';
const cot = '<think>Easy.</think>\n1. **Add**: 1 + 2 = 3.';
const openai = [
  { role: 'user', content: 'What is in /tmp?' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'ls', arguments: '{}' } }] },
  { role: 'tool', tool_call_id: 'c1', content: 'a.txt' },
];
const tau = { task_id: 1, reward: 1, traj: openai };
const anthropic = [
  { role: 'user', content: 'List the files.' },
  { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'ls', input: {} }] },
];
const claudeCode = [
  '{"type":"user","message":{"role":"user","content":"List the files."}}',
  '{"type":"assistant","message":{"id":"m1","role":"assistant","content":[{"type":"tool_use","id":"t1","name":"ls","input":{}}]}}',
].join('\n');
const sweAgent = {
  trajectory: [{ action: 'ls\n', thought: 'Look.', observation: 'a.txt' }],
  history: [{ role: 'user', content: 'Fix the bug.' }],
};
const miniSwe = [
  { role: 'user', content: 'Fix the bug.' },
  { role: 'assistant', content: 'Look.\n\n```mswea_bash_command\nls\n```' },
];

const numberedKeys: AllKeys<ParseNumberedSolutionOptions> = {
  strict: undefined,
  fallback: undefined,
  titles: undefined,
  action: undefined,
  conclusion: undefined,
  maxGap: undefined,
  paragraphs: undefined,
  source: undefined,
  path: undefined,
  firstLine: undefined,
};
const paragraphKeys: AllKeys<SplitParagraphsOptions> = { minLength: undefined, mergeInto: undefined };
const thinkingKeys: AllKeys<StripThinkingOptions> = { markers: undefined, unmarked: undefined, thinkTag: undefined };
const { firstLine: _firstLine, ...numberedButFirstLine } = numberedKeys;
const longCoTKeys: AllKeys<ParseLongCoTOptions> = { ...thinkingKeys, ...numberedButFirstLine, requireComplete: undefined };
const gsm8kKeys: AllKeys<ParseGsm8kSolutionOptions> = { calculator: undefined, source: undefined, path: undefined };
const chatKeys: AllKeys<ChatParseOptions> = {
  source: undefined,
  id: undefined,
  onInvalidTurn: undefined,
  renderToolCall: undefined,
  taskRoles: undefined,
  textTurns: undefined,
  shareThought: undefined,
  thinkingTools: undefined,
  dropTools: undefined,
  keepTools: undefined,
};
const { taskRoles: _taskRoles, ...chatButTaskRoles } = chatKeys;
const claudeCodeKeys: AllKeys<ParseClaudeCodeTranscriptOptions> = { ...chatButTaskRoles, includeSidechains: undefined };
const sweAgentKeys: AllKeys<ParseSweAgentTrajectoryOptions> = {
  source: undefined,
  id: undefined,
  onInvalidTurn: undefined,
  form: undefined,
  taskFrom: undefined,
  renderToolCall: undefined,
  actionFrom: undefined,
  thinkingTools: undefined,
  dropTools: undefined,
  keepTools: undefined,
};
const miniSweKeys: AllKeys<ParseMiniSweAgentOptions> = {
  source: undefined,
  id: undefined,
  onInvalidTurn: undefined,
  actionRegex: undefined,
  taskFrom: undefined,
};

/** The message `assertKnownKeys` writes, up to the list of valid options. */
const unknown = (fn: string, key: string, arg: string, nearest: string): string =>
  `${fn}: unknown option '${key}' in '${arg}' (did you mean '${nearest}'?); valid options: `;

/** Calls `f` and returns the TypeError it throws. */
function typeError(f: () => unknown): TypeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    return e as TypeError;
  }
  throw new Error('expected a TypeError, nothing was thrown');
}

/** The options a call is made with: any keys (the point is to pass wrong ones). */
type Bag = Record<string, unknown>;

const entries: {
  fn: string;
  call: (options: Bag) => unknown;
  valid: Bag;
  typo: [string, unknown, string];
}[] = [
  { fn: 'parseNumberedSolution', call: (o) => parseNumberedSolution(solution, o), valid: numberedKeys, typo: ['strct', true, 'strict'] },
  { fn: 'parseGsm8kSolution', call: (o) => parseGsm8kSolution(gsm8k, o), valid: gsm8kKeys, typo: ['calculater', 'strip', 'calculator'] },
  { fn: 'parseLongCoT', call: (o) => parseLongCoT(cot, o), valid: longCoTKeys, typo: ['requireCompleted', true, 'requireComplete'] },
  { fn: 'stripThinking', call: (o) => stripThinking(cot, o), valid: thinkingKeys, typo: ['thinktag', 'think', 'thinkTag'] },
  { fn: 'splitParagraphs', call: (o) => splitParagraphs('a\n\nb', o), valid: paragraphKeys, typo: ['minlength', 3, 'minLength'] },
  { fn: 'splitThought', call: (o) => splitThought('a\n\nb', o), valid: paragraphKeys, typo: ['mergeinto', 'next', 'mergeInto'] },
  { fn: 'parseOpenAIMessages', call: (o) => parseOpenAIMessages(openai, o), valid: chatKeys, typo: ['textturns', 'skip', 'textTurns'] },
  { fn: 'parseTauBenchRecord', call: (o) => parseTauBenchRecord(tau, o), valid: chatKeys, typo: ['taskRole', ['user'], 'taskRoles'] },
  { fn: 'parseAnthropicMessages', call: (o) => parseAnthropicMessages(anthropic, o), valid: chatKeys, typo: ['sharethought', 'each', 'shareThought'] },
  {
    fn: 'parseClaudeCodeTranscript',
    call: (o) => parseClaudeCodeTranscript(claudeCode, o),
    valid: claudeCodeKeys,
    typo: ['includeSidechain', true, 'includeSidechains'],
  },
  { fn: 'parseSweAgentTrajectory', call: (o) => parseSweAgentTrajectory(sweAgent, o), valid: sweAgentKeys, typo: ['from', 'history', 'form'] },
  { fn: 'parseMiniSweAgent', call: (o) => parseMiniSweAgent(miniSwe, o), valid: miniSweKeys, typo: ['actionRegexp', /x/, 'actionRegex'] },
  { fn: 'mapSteps', call: (o) => mapSteps(['ls'], (a) => ({ action: a }), o), valid: { source: undefined }, typo: ['sourse', 'f', 'source'] },
  {
    fn: 'assertTrajectory',
    call: (o) => assertTrajectory({ task: 't', steps: [{ action: 'a' }] }, o),
    valid: { source: undefined },
    typo: ['sources', 'f', 'source'],
  },
];

describe('unknown option keys in the trajectory module', () => {
  for (const { fn, call, valid, typo } of entries) {
    it(`${fn} rejects '${typo[0]}', naming '${typo[2]}', and accepts each of its ${Object.keys(valid).length} options`, () => {
      const [key, value, nearest] = typo;
      const e = typeError(() => call({ [key]: value }));
      expect(e.message.startsWith(unknown(fn, key, 'options', nearest))).toBe(true);
      // The list names exactly the documented options.
      const list = e.message.slice(unknown(fn, key, 'options', nearest).length).split(', ');
      expect(list.sort()).toEqual(Object.keys(valid).sort());
      expect(() => call(valid)).not.toThrow();
    });
  }

  it('the full message, for one parser', () => {
    expect(typeError(() => parseGsm8kSolution(gsm8k, { calculater: 'strip' } as never)).message).toBe(
      "parseGsm8kSolution: unknown option 'calculater' in 'options' (did you mean 'calculator'?); valid options: calculator, source, path",
    );
  });

  it('a misspelled key is rejected even when its value is undefined, and before a bad value of another option', () => {
    expect(() => stripThinking('x', { thinktag: undefined } as never)).toThrow(/unknown option 'thinktag'/);
    expect(() => parseNumberedSolution('1. a', { strct: true, titles: 'no' } as never)).toThrow(/unknown option 'strct'/);
  });

  it('nested options.paragraphs, named with their path, in parseNumberedSolution and parseLongCoT', () => {
    expect(typeError(() => parseNumberedSolution(solution, { paragraphs: { minlength: 3 } as never })).message).toBe(
      "parseNumberedSolution: unknown option 'minlength' in 'options.paragraphs' (did you mean 'minLength'?); valid options: minLength, mergeInto",
    );
    expect(typeError(() => parseLongCoT(cot, { paragraphs: { mergeinto: 'previous' } as never })).message).toMatch(
      /^parseLongCoT: unknown option 'mergeinto' in 'options.paragraphs' \(did you mean 'mergeInto'\?\)/,
    );
  });

  it('parseLongCoT: its errors name parseLongCoT, and firstLine (which it sets) is not an option', () => {
    expect(() => parseLongCoT(cot, { strict: 'yes' } as never)).toThrow(/^parseLongCoT: option 'strict' must be a boolean/);
    expect(() => parseLongCoT(cot, { firstLine: 3 } as never)).toThrow(/^parseLongCoT: unknown option 'firstLine' in 'options'/);
  });

  it('parseClaudeCodeTranscript has no taskRoles (its task is the user text)', () => {
    expect(() => parseClaudeCodeTranscript(claudeCode, { taskRoles: ['user'] } as never)).toThrow(
      /^parseClaudeCodeTranscript: unknown option 'taskRoles' in 'options'/,
    );
  });

  it('taskRoles entries must be roles of the format, the nearest one named', () => {
    expect(typeError(() => parseOpenAIMessages(openai, { taskRoles: ['user', 'sytem'] })).message).toBe(
      "parseOpenAIMessages: option 'taskRoles[1]' must be a role of the format ('system', 'developer', 'user', 'assistant', 'tool', 'function'), got \"sytem\" (did you mean 'system'?)",
    );
    expect(() => parseTauBenchRecord(tau, { taskRoles: ['developer'] })).toThrow(/option 'taskRoles\[0\]' must be a role of the format/);
    // Anthropic's system prompt is the top-level `system`: it may be named.
    expect(parseAnthropicMessages({ system: 'Be brief.', messages: anthropic }, { taskRoles: ['system'] }).task).toEqual([
      { role: 'system', content: 'Be brief.' },
    ]);
    expect(() => parseAnthropicMessages(anthropic, { taskRoles: ['tool'] })).toThrow(/option 'taskRoles\[0\]' must be a role/);
  });

  it('new TrajectoryError rejects a misspelled detail, which would lose the position', () => {
    expect(typeError(() => new TrajectoryError({ expected: 'x', found: 'y', pth: '$.a' } as never)).message).toMatch(
      /^TrajectoryError: unknown option 'pth' in 'details' \(did you mean 'path'\?\)/,
    );
    expect(() => new TrajectoryError({ expected: 'x', found: 'y' }, { caus: 1 } as never)).toThrow(/unknown option 'caus' in 'options'/);
    const all = { source: 's', line: 1, path: '$', expected: 'x', found: 'y' };
    expect(new TrajectoryError(all, { cause: 1 }).message).toBe('s, line 1, $: expected x, found y');
  });
});
