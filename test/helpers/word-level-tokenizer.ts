/**
 * A tiny real `tokenizer.json` (the format of the Rust `tokenizers` library): WordLevel
 * over `words` (id 0 is `[UNK]`, then the words in order), split on whitespace and
 * punctuation, so every word and every run of punctuation is one token.
 */
export function wordLevelTokenizer(words: readonly string[]): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: 0, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries([['[UNK]', 0], ...words.map((w, i) => [w, i + 1])]), unk_token: '[UNK]' },
  };
}
