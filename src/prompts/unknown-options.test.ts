/**
 * Every options bag of the prompts module (and a template's context) rejects a key it
 * does not know, naming the function, the argument, the key and the nearest valid one,
 * and accepts every key it documents, including those stepPromptStream and
 * countChatTokens forward. The valid sets are typed against the interfaces.
 */
import { describe, expect, it } from 'vitest';
import type { Trajectory } from '../trajectory/types.js';
import { agentTemplate } from './agent-template.js';
import { buildStepPrompts, type BuildStepPromptsOptions } from './build-step-prompts.js';
import { mathTemplate } from './math-template.js';
import { renderChatTemplate, type RenderChatTemplateOptions } from './render-chat-template.js';
import { stepPromptStream, type StepPromptStreamOptions } from './step-prompt-stream.js';
import type { StepPromptContext } from './template-context.js';
import { countChatTokens, createTokenCounter, type CountChatTokensOptions, type CreateTokenCounterOptions } from './token-counter.js';
import { wordLevelTokenizer } from '../../test/helpers/word-level-tokenizer.js';

type AllKeys<T> = { [K in keyof Required<T>]: undefined };
type Bag = Record<string, unknown>;

const trajectory: Trajectory = { id: 't', task: 'What is 2 + 3 * 4?', steps: [{ action: '3 * 4 = 12' }, { action: '2 + 12 = 14' }] };
const chatml =
  "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const messages = [{ role: 'user', content: 'hello world' }];
const context: StepPromptContext = {
  trajectory,
  stepIndex: 1,
  history: [trajectory.steps[0]!],
  historyStart: 0,
  systemPrompt: 'Be brief.',
  instruction: 'Next step.',
  hint: undefined,
};
const tokenizerJson = wordLevelTokenizer(['hello', 'world']);

const buildKeys: AllKeys<BuildStepPromptsOptions> = {
  template: undefined,
  targets: undefined,
  history: undefined,
  hint: undefined,
  systemPrompt: undefined,
  parse: undefined,
  instruction: undefined,
  maxObservationLength: undefined,
  maxPromptTokens: undefined,
  countTokens: undefined,
  overBudget: undefined,
  source: undefined,
};
const streamKeys: AllKeys<StepPromptStreamOptions> = { ...buildKeys, onError: undefined, report: undefined };
const renderKeys: AllKeys<RenderChatTemplateOptions> = {
  addGenerationPrompt: undefined,
  bosToken: undefined,
  eosToken: undefined,
  tools: undefined,
  templateName: undefined,
  extra: undefined,
};
const countKeys: AllKeys<CountChatTokensOptions> = { ...renderKeys, chatTemplate: undefined };
const counterKeys: AllKeys<CreateTokenCounterOptions> = { addSpecialTokens: undefined };
const contextKeys = Object.keys(context);

const unknown = (fn: string, key: string, arg: string, nearest: string): string =>
  `${fn}: unknown option '${key}' in '${arg}' (did you mean '${nearest}'?); valid options: `;

/** The message of the TypeError that `f` throws (or its promise rejects with). */
async function typeError(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    return (e as TypeError).message;
  }
  throw new Error('expected a TypeError, nothing was thrown');
}

async function drain(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

const entries: { fn: string; arg: string; call: (bag: Bag) => unknown; valid: readonly string[]; typo: [string, unknown, string] }[] = [
  { fn: 'buildStepPrompts', arg: 'options', call: (o) => buildStepPrompts(trajectory, o), valid: Object.keys(buildKeys), typo: ['systemprompt', 'x', 'systemPrompt'] },
  { fn: 'stepPromptStream', arg: 'options', call: (o) => drain(stepPromptStream([trajectory], o)), valid: Object.keys(streamKeys), typo: ['onerror', 'skip', 'onError'] },
  { fn: 'mathTemplate', arg: 'context', call: (o) => mathTemplate({ ...context, ...o }), valid: contextKeys, typo: ['systemprompt', 'x', 'systemPrompt'] },
  { fn: 'agentTemplate', arg: 'context', call: (o) => agentTemplate({ ...context, ...o }), valid: contextKeys, typo: ['histroy', [], 'history'] },
  { fn: 'renderChatTemplate', arg: 'options', call: (o) => renderChatTemplate(messages, chatml, o), valid: Object.keys(renderKeys), typo: ['addGenerationPrompts', false, 'addGenerationPrompt'] },
  { fn: 'countChatTokens', arg: 'options', call: (o) => countChatTokens(messages, (t) => t.length, o), valid: Object.keys(countKeys), typo: ['chattemplate', chatml, 'chatTemplate'] },
  { fn: 'createTokenCounter', arg: 'options', call: (o) => createTokenCounter(tokenizerJson, o), valid: Object.keys(counterKeys), typo: ['addSpecialToken', true, 'addSpecialTokens'] },
];

describe('unknown option keys in the prompts module', () => {
  for (const { fn, arg, call, valid, typo } of entries) {
    it(`${fn} rejects '${typo[0]}', naming '${typo[2]}', and accepts each of its ${valid.length} keys`, async () => {
      const [key, value, nearest] = typo;
      const message = await typeError(() => call({ [key]: value }));
      const head = unknown(fn, key, arg, nearest);
      expect(message.startsWith(head), message).toBe(true);
      expect(message.slice(head.length).split(', ').sort()).toEqual([...valid].sort());
      const all = Object.fromEntries(valid.map((k) => [k, fn.endsWith('Template') ? (context as unknown as Bag)[k] : undefined]));
      await call(all); // every documented key is accepted
    });
  }

  it('stepPromptStream: a misspelled option it forwards to buildStepPrompts is reported before any record is read', async () => {
    let read = 0;
    async function* records() {
      read++;
      yield trajectory;
    }
    const message = await typeError(() => drain(stepPromptStream(records(), { histroy: 1 } as never)));
    expect(message.startsWith(unknown('stepPromptStream', 'histroy', 'options', 'history'))).toBe(true);
    expect(read).toBe(0);
    // onError: 'skip' is for bad records, not bad options.
    await expect(drain(stepPromptStream([trajectory], { onError: 'skip', hnt: true } as never))).rejects.toThrow(TypeError);
  });

  it('renderChatTemplate: template variables belong in extra', async () => {
    expect(await typeError(() => renderChatTemplate(messages, chatml, { date_string: '26 Jul 2024' } as never))).toMatch(
      /^renderChatTemplate: unknown option 'date_string' in 'options'/,
    );
    expect(renderChatTemplate(messages, chatml, { extra: { date_string: '26 Jul 2024' } })).toBe(
      '<|im_start|>user\nhello world<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('createTokenCounter: a misspelled key of { tokenizerJson, tokenizerConfig } is rejected too', async () => {
    const message = await typeError(() => createTokenCounter({ tokenizerJson, tokenizerConfg: {} } as never));
    expect(message).toBe(
      "createTokenCounter: unknown option 'tokenizerConfg' in 'tokenizer' (did you mean 'tokenizerConfig'?); valid options: tokenizerJson, tokenizerConfig",
    );
    const count = await createTokenCounter({ tokenizerJson, tokenizerConfig: {} });
    expect(count('hello world')).toBe(2);
  });

  it('a template with a misspelled context field would send a system message without content', async () => {
    const { systemPrompt: _s, ...rest } = context;
    expect(await typeError(() => mathTemplate({ ...rest, systemprompt: 'x' } as never))).toMatch(
      /^mathTemplate: unknown option 'systemprompt' in 'context' \(did you mean 'systemPrompt'\?\)/,
    );
  });
});
