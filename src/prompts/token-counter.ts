import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import type { ChatMessage } from '../trajectory/types.js';
import { loadTokenizers } from './_load-tokenizers.js';
import { RENDER_OPTION_KEYS, renderChatTemplate, type RenderChatTemplateOptions, type TokenizerConfig } from './render-chat-template.js';

/** Counts the tokens of a text with one model's tokenizer. Synchronous once created. */
export type TokenCounter = (text: string) => number;

/** A model's tokenizer files: `tokenizer.json` and, optionally, `tokenizer_config.json`. */
export interface TokenizerFiles {
  /** The `tokenizer.json`: its text or the parsed object. */
  readonly tokenizerJson: string | object;
  /** The `tokenizer_config.json`: its text or the parsed object (default `{}`). */
  readonly tokenizerConfig?: string | object | undefined;
}

/** Options of {@link createTokenCounter}. */
export interface CreateTokenCounterOptions {
  /**
   * Add the special tokens the tokenizer's post-processor adds around a text (a
   * BOS for Llama, `[CLS]`/`[SEP]` for BERT). Default `false`: count the text as
   * the model sees it inside a chat, where the chat template writes the special
   * tokens itself (`transformers` tokenizes rendered chats this way too). Special
   * tokens written in the text (`<|im_start|>`) count as one token either way.
   */
  readonly addSpecialTokens?: boolean | undefined;
}

const FN = 'createTokenCounter';
const OPTION_KEYS = optionKeys<CreateTokenCounterOptions>({ addSpecialTokens: true });
const FILES_KEYS = optionKeys<TokenizerFiles>({ tokenizerJson: true, tokenizerConfig: true });

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new TrajectoryError({ source: label, expected: 'valid JSON', found: `a syntax error: ${detail}` }, { cause: error });
  }
}

function toObject(value: unknown, label: string, arg: string): object {
  const parsed = typeof value === 'string' ? parseJson(value, label) : value;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    if (typeof value === 'string') {
      throw new TrajectoryError({ source: label, expected: 'a JSON object', found: describeType(parsed) });
    }
    throw new TypeError(`${FN}: argument '${arg}' must be a JSON string or an object, got ${describeType(value)}`);
  }
  return parsed;
}

function isTokenizerFiles(value: object): value is TokenizerFiles {
  return 'tokenizerJson' in value;
}

/**
 * Creates a token counter from a Hugging Face `tokenizer.json`, for prompt budgets
 * with the model's real tokenizer. It loads the optional peer dependency
 * `@huggingface/tokenizers` (pure JavaScript) on first use; install it with
 * `npm install @huggingface/tokenizers`.
 *
 * By default no special tokens are added (no BOS): the count is that of the text
 * as the model sees it inside a rendered chat. Count a rendered chat
 * ({@link renderChatTemplate}) to include the template's own tokens.
 *
 * @param tokenizer - The `tokenizer.json` (its text or the parsed object), or {@link TokenizerFiles}.
 * @param options - Whether to add the post-processor's special tokens.
 * @returns A synchronous function from text to number of tokens.
 * @throws TypeError when an argument has the wrong type, or `options` (or the
 *   {@link TokenizerFiles} object) has a key it does not define (naming the nearest one).
 * @throws {@link TrajectoryError} when the JSON is malformed or the tokenizer cannot be built from it.
 * @throws Error saying `npm install @huggingface/tokenizers` when that package is missing.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { createTokenCounter } from 'srl-kit/prompts';
 * const count = await createTokenCounter(readFileSync('tokenizer.json', 'utf8'));
 * count('Hello world'); //=> 2 (with Qwen2.5's tokenizer)
 * ```
 */
export async function createTokenCounter(
  tokenizer: string | object | TokenizerFiles,
  options: CreateTokenCounterOptions = {},
): Promise<TokenCounter> {
  if (typeof tokenizer !== 'string' && (tokenizer === null || typeof tokenizer !== 'object' || Array.isArray(tokenizer))) {
    throw new TypeError(
      `${FN}: argument 'tokenizer' must be tokenizer.json (text or object) or { tokenizerJson, tokenizerConfig }, got ${describeType(tokenizer)}`,
    );
  }
  assertOptions(options, FN);
  assertKnownKeys(options, OPTION_KEYS, FN);
  const addSpecialTokens = options.addSpecialTokens ?? false;
  if (typeof addSpecialTokens !== 'boolean') {
    throw new TypeError(`${FN}: option 'addSpecialTokens' must be a boolean, got ${describeType(addSpecialTokens)}`);
  }
  const isFiles = typeof tokenizer !== 'string' && isTokenizerFiles(tokenizer);
  // { tokenizerJson, tokenizerConfg } would otherwise count without the config.
  if (isFiles) assertKnownKeys(tokenizer, FILES_KEYS, FN, 'tokenizer');
  const files: TokenizerFiles = isFiles ? tokenizer : { tokenizerJson: tokenizer };
  const json = toObject(files.tokenizerJson, 'tokenizer.json', 'tokenizerJson');
  const config = files.tokenizerConfig === undefined ? {} : toObject(files.tokenizerConfig, 'tokenizer_config.json', 'tokenizerConfig');

  const { Tokenizer } = await loadTokenizers();
  let instance: InstanceType<typeof Tokenizer>;
  try {
    instance = new Tokenizer(json, config);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new TrajectoryError(
      { source: 'tokenizer.json', expected: 'a tokenizer that @huggingface/tokenizers can load', found: `the error: ${detail}` },
      { cause: error },
    );
  }
  const encodeOptions = { add_special_tokens: addSpecialTokens };
  return (text: string): number => {
    if (typeof text !== 'string') {
      throw new TypeError(`TokenCounter: argument 'text' must be a string, got ${describeType(text)}`);
    }
    return instance.encode(text, encodeOptions).ids.length;
  };
}

/** Options of {@link countChatTokens}: a chat template, and how to render it. */
export interface CountChatTokensOptions extends RenderChatTemplateOptions {
  /** The model's chat template or `tokenizer_config.json`. Without one the count is approximate. */
  readonly chatTemplate?: string | TokenizerConfig | undefined;
}

const COUNT_OPTION_KEYS: readonly string[] = [
  ...RENDER_OPTION_KEYS,
  ...optionKeys<Omit<CountChatTokensOptions, keyof RenderChatTemplateOptions>>({ chatTemplate: true }),
];

/**
 * Counts the tokens of a chat. With `chatTemplate` it is exact: the tokens of the
 * rendered text ({@link renderChatTemplate}, same options). Without, it is the sum
 * of the messages' contents alone: role headers, separators, special tokens and a
 * default system prompt are not counted (a few tokens per message, more when the
 * template adds a system prompt), and text at message boundaries may tokenize a
 * little differently.
 *
 * @param messages - The chat.
 * @param counter - A {@link TokenCounter} (from {@link createTokenCounter}).
 * @param options - The chat template and its render options.
 * @returns The number of tokens.
 * @throws TypeError when an argument has the wrong type, or `options` has a key that is not
 *   an option (naming the nearest one).
 * @example
 * ```ts
 * import { countChatTokens, createTokenCounter } from 'srl-kit/prompts';
 * const count = await createTokenCounter(tokenizerJson);
 * countChatTokens(messages, count, { chatTemplate: tokenizerConfig }); // exact
 * countChatTokens(messages, count); // contents only (fewer)
 * ```
 */
export function countChatTokens(
  messages: readonly ChatMessage[],
  counter: TokenCounter,
  options: CountChatTokensOptions = {},
): number {
  if (typeof counter !== 'function') {
    throw new TypeError(`countChatTokens: argument 'counter' must be a function, got ${describeType(counter)}`);
  }
  assertOptions(options, 'countChatTokens');
  assertKnownKeys(options, COUNT_OPTION_KEYS, 'countChatTokens');
  const { chatTemplate, ...renderOptions } = options;
  if (chatTemplate !== undefined) return counter(renderChatTemplate(messages, chatTemplate, renderOptions));
  if (!Array.isArray(messages)) {
    throw new TypeError(`countChatTokens: argument 'messages' must be an array of chat messages, got ${describeType(messages)}`);
  }
  let total = 0;
  messages.forEach((m: unknown, i) => {
    const content = m !== null && typeof m === 'object' ? (m as { content?: unknown }).content : undefined;
    if (typeof content !== 'string') {
      throw new TypeError(`countChatTokens: messages[${i}].content must be a string, got ${describeType(content)}`);
    }
    total += counter(content);
  });
  return total;
}
