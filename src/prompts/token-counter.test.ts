import { describe, expect, it } from 'vitest';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import { INSTALL_TOKENIZERS, loadTokenizers } from './_load-tokenizers.js';
import { countChatTokens, createTokenCounter } from './token-counter.js';

// Tiny tokenizer.json files built here, in the format of the Rust `tokenizers`
// library; every count below follows by hand from their vocabularies and merges.

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** WordLevel over a 6-word vocabulary, split on whitespace and punctuation, with a [BOS] post-processor. */
const WORD_LEVEL = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [addedToken(0, '[UNK]'), addedToken(1, '[BOS]')],
  normalizer: null,
  pre_tokenizer: { type: 'Whitespace' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[BOS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '[BOS]': { id: '[BOS]', ids: [1], tokens: ['[BOS]'] } },
  },
  decoder: null,
  model: { type: 'WordLevel', vocab: { '[UNK]': 0, '[BOS]': 1, hello: 2, world: 3, foo: 4, '!': 5 }, unk_token: '[UNK]' },
};

/** BPE over the letters a, b with the merges "a a" (first) and "aa a". */
const BPE = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [addedToken(6, '<|im_start|>')],
  normalizer: null,
  pre_tokenizer: null,
  post_processor: null,
  decoder: null,
  model: {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
    vocab: { a: 0, b: 1, aa: 2, aaa: 3, ab: 4, aab: 5 },
    merges: ['a a', 'aa a'],
  },
};

describe('createTokenCounter', () => {
  it('counts WordLevel tokens: one per word or punctuation mark, unknown words included', async () => {
    const count = await createTokenCounter(WORD_LEVEL);
    expect(count('hello world foo')).toBe(3);
    expect(count('hello,   world!')).toBe(4); // hello , world !  (',' is [UNK])
    expect(count('entirely unknown words')).toBe(3);
    expect(count('')).toBe(0);
  });

  it('adds no special tokens by default; addSpecialTokens adds the BOS of the post-processor', async () => {
    const withBos = await createTokenCounter(WORD_LEVEL, { addSpecialTokens: true });
    expect(withBos('hello world foo')).toBe(4);
    expect(withBos('')).toBe(1);
    // A special token written in the text is one token either way.
    const count = await createTokenCounter(WORD_LEVEL);
    expect(count('[BOS] hello')).toBe(2);
  });

  it('applies BPE merges by rank', async () => {
    const count = await createTokenCounter(BPE);
    expect(count('aaab')).toBe(2); // a a a b -> aa a b -> aaa b
    expect(count('aaaa')).toBe(2); // a a a a -> aa a a -> aa aa ("a a" outranks "aa a")
    expect(count('aaaaaaa')).toBe(3); // -> aa aa aa a -> aa aa aaa
    expect(count('ab')).toBe(2); // no merge "a b": a, b
    expect(count('<|im_start|>aaa')).toBe(2); // the added token, then aaa
  });

  it('accepts tokenizer.json as text, and { tokenizerJson, tokenizerConfig } as objects or text', async () => {
    const fromText = await createTokenCounter(JSON.stringify(BPE));
    expect(fromText('aaab')).toBe(2);
    const fromFiles = await createTokenCounter({ tokenizerJson: JSON.stringify(WORD_LEVEL), tokenizerConfig: '{"model_max_length": 512}' });
    expect(fromFiles('hello world')).toBe(2);
    const fromObjects = await createTokenCounter({ tokenizerJson: WORD_LEVEL, tokenizerConfig: {} }, { addSpecialTokens: true });
    expect(fromObjects('hello world')).toBe(3);
  });

  it('says malformed JSON is malformed', async () => {
    await expect(createTokenCounter('{"model": {"type": "BPE",')).rejects.toThrow(TrajectoryError);
    await expect(createTokenCounter('{"model": {"type": "BPE",')).rejects.toThrow(/^tokenizer\.json: expected valid JSON, found a syntax error: /);
    await expect(createTokenCounter({ tokenizerJson: BPE, tokenizerConfig: 'nope' })).rejects.toThrow(
      /^tokenizer_config\.json: expected valid JSON, found a syntax error: /,
    );
    await expect(createTokenCounter('[1, 2]')).rejects.toThrow('tokenizer.json: expected a JSON object, found array');
  });

  it('says a JSON object that is not a loadable tokenizer cannot be loaded', async () => {
    await expect(createTokenCounter({ version: '1.0' })).rejects.toThrow(
      'tokenizer.json: expected a tokenizer that @huggingface/tokenizers can load, found the error: Tokenizer must contain a "model" property',
    );
    const unknownModel = { ...BPE, model: { type: 'NoSuchModel' } };
    await expect(createTokenCounter(unknownModel)).rejects.toThrow(/^tokenizer\.json: expected a tokenizer that @huggingface\/tokenizers can load/);
  });

  it('rejects arguments of the wrong type with TypeErrors naming them', async () => {
    await expect(createTokenCounter(42 as never)).rejects.toThrow(/createTokenCounter: argument 'tokenizer' must be tokenizer\.json/);
    await expect(createTokenCounter(null as never)).rejects.toThrow(TypeError);
    await expect(createTokenCounter({ tokenizerJson: 5 as never })).rejects.toThrow(
      "createTokenCounter: argument 'tokenizerJson' must be a JSON string or an object, got number",
    );
    await expect(createTokenCounter(BPE, { addSpecialTokens: 'no' as never })).rejects.toThrow(
      "createTokenCounter: option 'addSpecialTokens' must be a boolean, got string",
    );
    const count = await createTokenCounter(BPE);
    expect(() => count(7 as never)).toThrow("TokenCounter: argument 'text' must be a string, got number");
  });
});

describe('loadTokenizers', () => {
  it('tells how to install @huggingface/tokenizers when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@huggingface/tokenizers' imported from x.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const load = loadTokenizers(() => Promise.reject(missing));
    await expect(load).rejects.toThrow('npm install @huggingface/tokenizers');
    await expect(loadTokenizers(() => Promise.reject(missing))).rejects.toHaveProperty('cause', missing);
    const cjsMissing = Object.assign(new Error("Cannot find module '@huggingface/tokenizers'"), { code: 'MODULE_NOT_FOUND' });
    await expect(loadTokenizers(() => Promise.reject(cjsMissing))).rejects.toThrow(INSTALL_TOKENIZERS);
  });

  it('passes other import failures through, and rejects a module without a Tokenizer', async () => {
    const other = new Error('boom');
    await expect(loadTokenizers(() => Promise.reject(other))).rejects.toBe(other);
    const inner = Object.assign(new Error("Cannot find module './dist/x.cjs'"), { code: 'MODULE_NOT_FOUND' });
    await expect(loadTokenizers(() => Promise.reject(inner))).rejects.toBe(inner);
    await expect(loadTokenizers(() => Promise.resolve({}))).rejects.toThrow(/has no Tokenizer class/);
    const Tokenizer = class {};
    await expect(loadTokenizers(() => Promise.resolve({ default: { Tokenizer } }))).resolves.toEqual({ Tokenizer });
  });

  it('loads the installed package', async () => {
    const { Tokenizer } = await loadTokenizers();
    expect(typeof Tokenizer).toBe('function');
  });
});

describe('countChatTokens', () => {
  const chatml =
    "{% for m in messages %}{{ '<|im_start|>' + m.content }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>' }}{% endif %}";
  const messages = [
    { role: 'user', content: 'aaab' },
    { role: 'assistant', content: 'aaaa' },
  ];

  it('sums the contents without a template (an undercount), and counts the rendered text with one', async () => {
    const count = await createTokenCounter(BPE);
    expect(countChatTokens(messages, count)).toBe(4); // aaa b + aa aa
    // <|im_start|> aaa b <|im_start|> aa aa <|im_start|>
    expect(countChatTokens(messages, count, { chatTemplate: chatml })).toBe(7);
    expect(countChatTokens(messages, count, { chatTemplate: { chat_template: chatml }, addGenerationPrompt: false })).toBe(6);
  });

  it('rejects arguments of the wrong type', async () => {
    const count = await createTokenCounter(BPE);
    expect(() => countChatTokens(messages, 'count' as never)).toThrow("countChatTokens: argument 'counter' must be a function, got string");
    expect(() => countChatTokens('x' as never, count)).toThrow("countChatTokens: argument 'messages' must be an array");
    expect(() => countChatTokens([{ role: 'user' } as never], count)).toThrow('countChatTokens: messages[0].content must be a string, got undefined');
  });
});
