import { Template } from '@huggingface/jinja';
import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import type { ChatMessage } from '../trajectory/types.js';

/** A special token as old `tokenizer_config.json` files write it: an object with its text. */
export interface AddedTokenLike {
  /** The token's text, e.g. `'<s>'`. */
  readonly content: string;
}

/** One entry of a `chat_template` given as a list of named templates. */
export interface NamedChatTemplate {
  /** The template's name: `'default'`, `'tool_use'`, `'rag'`, ... */
  readonly name: string;
  /** The Jinja source. */
  readonly template: string;
}

/**
 * The fields of a Hugging Face `tokenizer_config.json` that
 * {@link renderChatTemplate} reads; the others are ignored.
 */
export interface TokenizerConfig {
  /** The Jinja chat template, or named ones (`'default'` is used unless told otherwise). */
  readonly chat_template?: string | readonly NamedChatTemplate[] | Readonly<Record<string, string>> | null | undefined;
  /** The beginning-of-sequence token, passed to the template as `bos_token`. */
  readonly bos_token?: string | AddedTokenLike | null | undefined;
  /** The end-of-sequence token, passed to the template as `eos_token`. */
  readonly eos_token?: string | AddedTokenLike | null | undefined;
  /** The other fields of the file, which are ignored. */
  readonly [key: string]: unknown;
}

/** Options of {@link renderChatTemplate}. */
export interface RenderChatTemplateOptions {
  /**
   * End the text with the header that opens the assistant's turn (the template's
   * `add_generation_prompt`). Default `true`: the text is a prompt for the model to
   * complete. Note that `transformers`' `apply_chat_template` defaults to `false`.
   */
  readonly addGenerationPrompt?: boolean | undefined;
  /** `bos_token` for the template; overrides the tokenizer config's. */
  readonly bosToken?: string | undefined;
  /** `eos_token` for the template; overrides the tokenizer config's. */
  readonly eosToken?: string | undefined;
  /** Tool (function) schemas, passed as `tools` (`none` when absent, as `transformers` does). */
  readonly tools?: readonly unknown[] | undefined;
  /**
   * Which named template to use when the tokenizer config holds a list. Default:
   * `'tool_use'` when `tools` are given and the config has one, else `'default'`
   * (the rule of `transformers`).
   */
  readonly templateName?: string | undefined;
  /**
   * Other template variables, e.g. `{ date_string: '26 Jul 2024' }` (Llama 3.x),
   * `{ enable_thinking: false }` (Qwen3), `documents` or `unk_token`. They are set
   * after `tools` and the tokens, so they may replace those; they may not set
   * `messages` or `add_generation_prompt`, which have their own arguments.
   */
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
}

const FN = 'renderChatTemplate';

/** The keys of {@link RenderChatTemplateOptions}. @internal */
export const RENDER_OPTION_KEYS = optionKeys<RenderChatTemplateOptions>({
  addGenerationPrompt: true,
  bosToken: true,
  eosToken: true,
  tools: true,
  templateName: true,
  extra: true,
});

/** Parsed templates by source: parsing costs several times more than rendering. */
const templateCache = new Map<string, Template>();
const TEMPLATE_CACHE_SIZE = 16;

function parseTemplate(source: string, label: string): Template {
  const cached = templateCache.get(source);
  if (cached !== undefined) return cached;
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    throw new TrajectoryError(
      { source: label, expected: 'a Jinja template that parses', found: `a parse error: ${messageOf(error)}` },
      { cause: error },
    );
  }
  if (templateCache.size >= TEMPLATE_CACHE_SIZE) {
    const oldest = templateCache.keys().next().value;
    if (oldest !== undefined) templateCache.delete(oldest);
  }
  templateCache.set(source, template);
  return template;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function tokenText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (isPlainObject(value) && typeof value['content'] === 'string') return value['content'];
  throw new TypeError(
    `${FN}: the tokenizer config's '${field}' must be a string, an object with a string 'content', or null, got ${describeType(value)}`,
  );
}

interface ResolvedTemplate {
  readonly source: string;
  readonly label: string;
  readonly bosToken: string | undefined;
  readonly eosToken: string | undefined;
}

function pickNamed(list: readonly unknown[], options: RenderChatTemplateOptions): { source: string; name: string } {
  const byName = new Map<string, string>();
  list.forEach((entry, i) => {
    if (!isPlainObject(entry) || typeof entry['name'] !== 'string' || typeof entry['template'] !== 'string') {
      throw new TypeError(
        `${FN}: the tokenizer config's chat_template[${i}] must be an object with string 'name' and 'template', got ${describeType(entry)}`,
      );
    }
    byName.set(entry['name'], entry['template']);
  });
  const name =
    options.templateName ?? (options.tools !== undefined && byName.has('tool_use') ? 'tool_use' : 'default');
  const source = byName.get(name);
  if (source === undefined) {
    const names = [...byName.keys()].map((n) => JSON.stringify(n)).join(', ');
    throw new TypeError(`${FN}: the tokenizer config has no chat template named ${JSON.stringify(name)} (it has ${names || 'none'})`);
  }
  return { source, name };
}

function resolveTemplate(chatTemplate: unknown, options: RenderChatTemplateOptions): ResolvedTemplate {
  if (typeof chatTemplate === 'string') {
    return { source: chatTemplate, label: 'chat template', bosToken: undefined, eosToken: undefined };
  }
  if (!isPlainObject(chatTemplate)) {
    throw new TypeError(
      `${FN}: argument 'chatTemplate' must be a template string or a tokenizer_config.json object, got ${describeType(chatTemplate)}`,
    );
  }
  const raw = chatTemplate['chat_template'];
  let source: string;
  let label = 'chat template';
  if (typeof raw === 'string') {
    source = raw;
  } else if (Array.isArray(raw) || isPlainObject(raw)) {
    // A list of { name, template } as in tokenizer_config.json, or a { name: template } map.
    const list = Array.isArray(raw) ? raw : Object.entries(raw).map(([name, template]) => ({ name, template }));
    const picked = pickNamed(list, options);
    source = picked.source;
    label = `chat template ${JSON.stringify(picked.name)}`;
  } else if (raw === undefined || raw === null) {
    throw new TypeError(
      `${FN}: the tokenizer config has no 'chat_template' (newer models ship it as chat_template.jinja: pass that file's text)`,
    );
  } else {
    throw new TypeError(`${FN}: the tokenizer config's 'chat_template' must be a string or named templates, got ${describeType(raw)}`);
  }
  return {
    source,
    label,
    bosToken: tokenText(chatTemplate['bos_token'], 'bos_token'),
    eosToken: tokenText(chatTemplate['eos_token'], 'eos_token'),
  };
}

function checkMessages(messages: unknown): asserts messages is readonly ChatMessage[] {
  if (!Array.isArray(messages)) {
    throw new TypeError(`${FN}: argument 'messages' must be an array of chat messages, got ${describeType(messages)}`);
  }
  messages.forEach((m: unknown, i) => {
    if (!isPlainObject(m)) throw new TypeError(`${FN}: messages[${i}] must be an object, got ${describeType(m)}`);
    if (typeof m['role'] !== 'string') {
      throw new TypeError(`${FN}: messages[${i}].role must be a string, got ${describeType(m['role'])}`);
    }
    if (typeof m['content'] !== 'string') {
      throw new TypeError(`${FN}: messages[${i}].content must be a string, got ${describeType(m['content'])}`);
    }
  });
}

function checkOptions(options: RenderChatTemplateOptions): void {
  assertOptions(options, FN);
  assertKnownKeys(options, RENDER_OPTION_KEYS, FN);
  const { addGenerationPrompt, bosToken, eosToken, tools, templateName, extra } = options;
  if (addGenerationPrompt !== undefined && typeof addGenerationPrompt !== 'boolean') {
    throw new TypeError(`${FN}: option 'addGenerationPrompt' must be a boolean, got ${describeType(addGenerationPrompt)}`);
  }
  for (const [name, value] of [['bosToken', bosToken], ['eosToken', eosToken], ['templateName', templateName]] as const) {
    if (value !== undefined && typeof value !== 'string') {
      throw new TypeError(`${FN}: option '${name}' must be a string, got ${describeType(value)}`);
    }
  }
  if (tools !== undefined && !Array.isArray(tools)) {
    throw new TypeError(`${FN}: option 'tools' must be an array, got ${describeType(tools)}`);
  }
  if (extra !== undefined) {
    if (!isPlainObject(extra)) throw new TypeError(`${FN}: option 'extra' must be an object, got ${describeType(extra)}`);
    for (const reserved of ['messages', 'add_generation_prompt']) {
      if (Object.hasOwn(extra, reserved)) {
        throw new TypeError(`${FN}: option 'extra' must not set '${reserved}': pass it as its own argument`);
      }
    }
  }
}

/**
 * Renders a chat with a model's Jinja chat template, as Hugging Face
 * `transformers`' `apply_chat_template(..., tokenize=False)` does: the exact text
 * the model gets. The template comes as its source or as a whole
 * `tokenizer_config.json` object, from which `chat_template` (the `'default'` one
 * when it is a list), `bos_token` and `eos_token` are taken.
 *
 * The template sees `messages`, `add_generation_prompt`, `tools` (`none` unless
 * given), `bos_token` and `eos_token` (when known), and the `extra` variables.
 * Templates that print the date (Llama 3.2's `strftime_now`) give today's unless
 * `extra.date_string` is set. Parsed templates are cached, so rendering many chats
 * with one template parses it once.
 *
 * @param messages - The chat, in order. Fields other than `role` and `content` reach the template too.
 * @param chatTemplate - The Jinja source, or a parsed `tokenizer_config.json`.
 * @param options - Generation prompt, special tokens, tools and other template variables.
 * @returns The rendered text.
 * @throws TypeError when an argument or option has the wrong type, `options` has a key that
 *   is not an option (naming the nearest one; template variables go in `extra`), or the config
 *   has no usable template.
 * @throws {@link TrajectoryError} when the template does not parse, or fails while rendering
 *   (including its own `raise_exception(...)`); the message quotes the Jinja error, kept as `cause`.
 * @example
 * ```ts
 * import { renderChatTemplate } from 'srl-kit/prompts';
 * const chatml =
 *   "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}" +
 *   "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
 * renderChatTemplate([{ role: 'user', content: 'Hi' }], chatml);
 * //=> '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n'
 *
 * // Or with a model's tokenizer_config.json:
 * // const config = JSON.parse(readFileSync('tokenizer_config.json', 'utf8'));
 * // renderChatTemplate(messages, config, { extra: { date_string: '26 Jul 2024' } });
 * ```
 */
export function renderChatTemplate(
  messages: readonly ChatMessage[],
  chatTemplate: string | TokenizerConfig,
  options: RenderChatTemplateOptions = {},
): string {
  checkMessages(messages);
  checkOptions(options);
  const resolved = resolveTemplate(chatTemplate, options);
  const template = parseTemplate(resolved.source, resolved.label);

  const context: Record<string, unknown> = { tools: options.tools ?? null };
  const bosToken = options.bosToken ?? resolved.bosToken;
  const eosToken = options.eosToken ?? resolved.eosToken;
  if (bosToken !== undefined) context['bos_token'] = bosToken;
  if (eosToken !== undefined) context['eos_token'] = eosToken;
  Object.assign(context, options.extra);
  context['messages'] = messages;
  context['add_generation_prompt'] = options.addGenerationPrompt ?? true;

  try {
    return template.render(context);
  } catch (error) {
    throw new TrajectoryError(
      { source: resolved.label, expected: 'a template that renders this chat', found: `a render error: ${messageOf(error)}` },
      { cause: error },
    );
  }
}
