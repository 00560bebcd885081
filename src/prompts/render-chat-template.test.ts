import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import type { ChatMessage } from '../trajectory/types.js';
import { renderChatTemplate } from './render-chat-template.js';

// Real chat templates, stored verbatim (sources in test/fixtures/chat-templates/README.md).
// Every expected string below is written by hand from the published prompt formats
// (ChatML for Qwen2.5; the Llama 3.1 header/eot format), not produced by the code.
function fixture(name: string): string {
  return readFileSync(resolve(import.meta.dirname, '..', '..', 'test', 'fixtures', 'chat-templates', name), 'utf8');
}
const QWEN = fixture('qwen2.5-7b-instruct.jinja');
const LLAMA31 = fixture('llama-3.3-70b-instruct.jinja');
const LLAMA32 = fixture('llama-3.2-3b-instruct.jinja');

const SYSTEM: ChatMessage = { role: 'system', content: 'You are a careful solver.' };
const USER: ChatMessage = { role: 'user', content: 'What is 2 + 3?' };
const MULTI: readonly ChatMessage[] = [
  SYSTEM,
  USER,
  { role: 'assistant', content: '2 + 3 = 5' },
  { role: 'user', content: '  And 5 + 5?\n' },
];

describe('renderChatTemplate with Qwen2.5-Instruct (ChatML)', () => {
  it('renders system + user with the generation prompt (the default)', () => {
    expect(renderChatTemplate([SYSTEM, USER], QWEN)).toBe(
      '<|im_start|>system\nYou are a careful solver.<|im_end|>\n' +
        '<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it('leaves the generation prompt out when asked', () => {
    expect(renderChatTemplate([SYSTEM, USER], QWEN, { addGenerationPrompt: false })).toBe(
      '<|im_start|>system\nYou are a careful solver.<|im_end|>\n<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n',
    );
  });

  it("adds Qwen's default system prompt when there is no system message", () => {
    expect(renderChatTemplate([USER], QWEN)).toBe(
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it('renders a multi-turn chat, keeping contents untrimmed', () => {
    expect(renderChatTemplate(MULTI, QWEN)).toBe(
      '<|im_start|>system\nYou are a careful solver.<|im_end|>\n' +
        '<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n' +
        '<|im_start|>assistant\n2 + 3 = 5<|im_end|>\n' +
        '<|im_start|>user\n  And 5 + 5?\n<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it('passes tools, which Qwen lists in its system message as Python json.dumps writes them', () => {
    const tool = { type: 'function', function: { name: 'get_time', parameters: {} } };
    expect(renderChatTemplate([USER], QWEN, { tools: [tool] })).toBe(
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n\n' +
        '# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
        'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
        '{"type": "function", "function": {"name": "get_time", "parameters": {}}}\n</tools>\n\n' +
        'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n' +
        '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n' +
        '<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it('takes the template from a tokenizer_config.json object (Qwen has no BOS token)', () => {
    const config = { chat_template: QWEN, bos_token: null, eos_token: '<|im_end|>', model_max_length: 131072 };
    expect(renderChatTemplate([SYSTEM, USER], config)).toBe(renderChatTemplate([SYSTEM, USER], QWEN));
  });
});

describe('renderChatTemplate with Llama 3.1 / 3.3 Instruct', () => {
  const BOS = '<|begin_of_text|>';
  const opts = { bosToken: BOS, extra: { date_string: '21 Sep 2024' } };
  const HEAD = `${BOS}<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 21 Sep 2024\n\n`;

  it('renders system + user with the generation prompt', () => {
    expect(renderChatTemplate([SYSTEM, USER], LLAMA31, opts)).toBe(
      `${HEAD}You are a careful solver.<|eot_id|>` +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 3?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('leaves the generation prompt out when asked', () => {
    expect(renderChatTemplate([SYSTEM, USER], LLAMA31, { ...opts, addGenerationPrompt: false })).toBe(
      `${HEAD}You are a careful solver.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 3?<|eot_id|>`,
    );
  });

  it('still writes the system header with the dates when there is no system message', () => {
    expect(renderChatTemplate([USER], LLAMA31, opts)).toBe(
      `${HEAD}<|eot_id|>` +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 3?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('renders a multi-turn chat, trimming each content as the template does', () => {
    expect(renderChatTemplate(MULTI, LLAMA31, opts)).toBe(
      `${HEAD}You are a careful solver.<|eot_id|>` +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 3?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n2 + 3 = 5<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nAnd 5 + 5?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it("uses the template's own default date when none is passed", () => {
    expect(renderChatTemplate([USER], LLAMA31, { bosToken: BOS })).toContain('Today Date: 26 Jul 2024\n\n');
  });

  it('takes bos_token from a tokenizer config (string or AddedToken object); options override it', () => {
    const config = { chat_template: LLAMA31, bos_token: BOS, eos_token: '<|eot_id|>' };
    const extra = { date_string: '21 Sep 2024' };
    expect(renderChatTemplate([SYSTEM, USER], config, { extra })).toBe(renderChatTemplate([SYSTEM, USER], LLAMA31, opts));
    const oldStyle = { ...config, bos_token: { __type: 'AddedToken', content: BOS, lstrip: false } };
    expect(renderChatTemplate([USER], oldStyle, { extra }).startsWith(`${BOS}<|start_header_id|>`)).toBe(true);
    expect(renderChatTemplate([USER], config, { extra, bosToken: '' }).startsWith('<|start_header_id|>system')).toBe(true);
  });

  it('reports the template\'s own raise_exception as a render error', () => {
    const render = () => renderChatTemplate([SYSTEM], LLAMA31, { ...opts, tools: [{ name: 'f' }] });
    expect(render).toThrow(TrajectoryError);
    expect(render).toThrow(
      "chat template: expected a template that renders this chat, found a render error: Cannot put tools in the first user message when there's no first user message!",
    );
  });
});

describe('renderChatTemplate with Llama 3.2 Instruct (strftime_now)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renders the given date_string', () => {
    expect(renderChatTemplate([SYSTEM, USER], LLAMA32, { bosToken: '<|begin_of_text|>', extra: { date_string: '02 Jan 2025' } })).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n' +
        'Cutting Knowledge Date: December 2023\nToday Date: 02 Jan 2025\n\n' +
        'You are a careful solver.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 3?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it("prints today's date when no date_string is given (so pass one for reproducible prompts)", () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-04T12:00:00Z'));
    // The month name comes from Intl in the default locale, hence \S+.
    expect(renderChatTemplate([USER], LLAMA32)).toMatch(/\nToday Date: 04 \S+ 2025\n\n<\|eot_id\|>/);
  });
});

describe('renderChatTemplate with named templates', () => {
  const chatml =
    "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
  const config = {
    chat_template: [
      { name: 'default', template: chatml },
      { name: 'tool_use', template: 'TOOLS {{ tools | length }}' },
      { name: 'rag', template: 'RAG {{ documents | length }}' },
    ],
  };

  it("picks 'default', 'tool_use' when tools are given, or the one named", () => {
    expect(renderChatTemplate([USER], config)).toBe('<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n');
    expect(renderChatTemplate([USER], config, { tools: [{}, {}] })).toBe('TOOLS 2');
    expect(renderChatTemplate([USER], config, { templateName: 'rag', extra: { documents: [1, 2, 3] } })).toBe('RAG 3');
    // transformers' in-memory form: a { name: template } map.
    expect(renderChatTemplate([USER], { chat_template: { default: 'D', tool_use: 'T' } }, { tools: [] })).toBe('T');
  });

  it('names the templates it has when the one asked for is missing', () => {
    expect(() => renderChatTemplate([USER], config, { templateName: 'x' })).toThrow(
      'renderChatTemplate: the tokenizer config has no chat template named "x" (it has "default", "tool_use", "rag")',
    );
    expect(() => renderChatTemplate([USER], { chat_template: [{ name: 'tool_use', template: 'x' }] })).toThrow(
      /no chat template named "default"/,
    );
  });
});

describe('renderChatTemplate errors and edge cases', () => {
  it('says a malformed template fails to parse, quoting Jinja, with the Jinja error as cause', () => {
    let error: unknown;
    try {
      renderChatTemplate([USER], '{% if %}hi{% endif %}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrajectoryError);
    expect((error as Error).message).toBe(
      'chat template: expected a Jinja template that parses, found a parse error: Unexpected token: CloseStatement',
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(() => renderChatTemplate([USER], '{% for m in messages %}{{ m.content }}')).toThrow(
      /^chat template: expected a Jinja template that parses, found a parse error: /,
    );
    expect(() => renderChatTemplate([USER], { chat_template: [{ name: 'default', template: '{{ x ' }] })).toThrow(
      'chat template "default": expected a Jinja template that parses, found a parse error: Unexpected end of input',
    );
  });

  it('says a template that fails while rendering does so', () => {
    expect(() => renderChatTemplate([USER], '{{ nope() }}')).toThrow(
      /^chat template: expected a template that renders this chat, found a render error: Cannot call something that is not a function/,
    );
  });

  it('rejects arguments of the wrong type with TypeErrors naming them', () => {
    expect(() => renderChatTemplate('hi' as never, QWEN)).toThrow(
      "renderChatTemplate: argument 'messages' must be an array of chat messages, got string",
    );
    expect(() => renderChatTemplate([{ role: 'user', content: 5 } as never], QWEN)).toThrow(
      'renderChatTemplate: messages[0].content must be a string, got number',
    );
    expect(() => renderChatTemplate([null as never], QWEN)).toThrow('renderChatTemplate: messages[0] must be an object, got null');
    expect(() => renderChatTemplate([USER], 42 as never)).toThrow(
      "renderChatTemplate: argument 'chatTemplate' must be a template string or a tokenizer_config.json object, got number",
    );
    expect(() => renderChatTemplate([USER], { bos_token: '<s>' })).toThrow(/the tokenizer config has no 'chat_template'/);
    expect(() => renderChatTemplate([USER], { chat_template: QWEN, bos_token: 7 as never })).toThrow(/'bos_token' must be a string/);
    expect(() => renderChatTemplate([USER], QWEN, { addGenerationPrompt: 'yes' as never })).toThrow(
      "renderChatTemplate: option 'addGenerationPrompt' must be a boolean, got string",
    );
    expect(() => renderChatTemplate([USER], QWEN, { tools: {} as never })).toThrow("option 'tools' must be an array");
    expect(() => renderChatTemplate([USER], QWEN, { extra: { messages: [] } })).toThrow(
      "renderChatTemplate: option 'extra' must not set 'messages': pass it as its own argument",
    );
    expect(() => renderChatTemplate([USER], QWEN, null as never)).toThrow(/argument 'options' must be an object/);
  });

  it('does not touch its inputs, and renders the same text each time (parsed templates are cached)', () => {
    const chat = Object.freeze(MULTI.map((m) => Object.freeze({ ...m })));
    const first = renderChatTemplate(chat, LLAMA31, { extra: { date_string: '1 Jan 2025' } });
    const second = renderChatTemplate(chat, LLAMA31, { extra: { date_string: '1 Jan 2025' } });
    expect(second).toBe(first);
    expect(chat).toEqual(MULTI);
  });

  it('passes extra message fields and variables through to the template', () => {
    const tpl = '{% for m in messages %}{{ m.role }}:{{ m.name }};{% endfor %}{{ greeting }}|{{ bos_token }}|{{ eos_token }}';
    const messages = [{ role: 'user', content: 'x', name: 'ann' }];
    expect(renderChatTemplate(messages, tpl, { eosToken: '</s>', extra: { greeting: 'hi' } })).toBe('user:ann;hi||</s>');
  });
});
