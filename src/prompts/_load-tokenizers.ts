/**
 * The part of `@huggingface/tokenizers` that srl-kit uses.
 * @internal
 */
export interface TokenizersModule {
  readonly Tokenizer: new (
    tokenizerJson: object,
    tokenizerConfig: object,
  ) => {
    encode(text: string, options?: { add_special_tokens?: boolean }): { ids: readonly number[] };
  };
}

/** The exact command that installs the optional peer dependency. */
export const INSTALL_TOKENIZERS = 'npm install @huggingface/tokenizers';

function isModuleNotFound(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  // Only this package missing, not some module it fails to load.
  if (typeof message !== 'string' || !message.includes('@huggingface/tokenizers')) return false;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (module|package)/i.test(message);
}

/**
 * Loads the optional peer dependency `@huggingface/tokenizers` on first use, so
 * that nobody who does not count tokens needs it. The import is a literal
 * `import()`, which the CommonJS build turns into `require()`.
 *
 * @param importer - Replaces the import (for tests).
 * @throws Error saying `npm install @huggingface/tokenizers` when it is not installed.
 * @internal
 */
export async function loadTokenizers(
  importer: () => Promise<unknown> = () => import('@huggingface/tokenizers'),
): Promise<TokenizersModule> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new Error(
        `Counting tokens needs the optional peer dependency @huggingface/tokenizers, which is not installed: ${INSTALL_TOKENIZERS}`,
        { cause: error },
      );
    }
    throw error;
  }
  const candidate = mod as { Tokenizer?: unknown; default?: { Tokenizer?: unknown } } | null;
  const Tokenizer = candidate?.Tokenizer ?? candidate?.default?.Tokenizer;
  if (typeof Tokenizer !== 'function') {
    throw new Error(
      `@huggingface/tokenizers has no Tokenizer class: install a version this library supports (>=0.2.0 <1): ${INSTALL_TOKENIZERS}`,
    );
  }
  return { Tokenizer: Tokenizer as TokenizersModule['Tokenizer'] };
}
