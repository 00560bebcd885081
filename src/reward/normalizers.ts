import { isPythonSpace, pyStrip } from '../_lib/python-whitespace.js';

/** A text transformation applied to both the action and the expert step before scoring. */
export type Normalizer = (text: string) => string;

function collapseWhitespace(text: string): string {
  let out = '';
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isPythonSpace(c)) {
      inSpace = true;
    } else {
      if (inSpace && out.length > 0) out += ' ';
      inSpace = false;
      out += text[i];
    }
  }
  return out;
}

/** The ready-made normalizers in {@link normalizers}. */
export interface Normalizers {
  /** Python's `str.strip()`. */
  readonly trim: Normalizer;
  /** Trims, and turns every run of (Python) whitespace into one space. */
  readonly collapseWhitespace: Normalizer;
  /** `toLowerCase()` (locale-independent). */
  readonly lowercase: Normalizer;
  /** Unicode NFKC normalization. */
  readonly nfkc: Normalizer;
}

/**
 * Ready-made normalizers for the `normalize` option of the step reward. None is
 * on by default: the default reward is the paper's, on the raw text.
 *
 * - `trim`: Python's `str.strip()`.
 * - `collapseWhitespace`: trims, and turns every run of whitespace into one space.
 * - `lowercase`: `toLowerCase()` (locale-independent).
 * - `nfkc`: Unicode NFKC normalization (e.g. full-width digits and ligatures fold).
 *
 * @example
 * ```ts
 * import { normalizers, stepReward } from 'srl-kit';
 * stepReward('<think>t</think>X =  5', 'x = 5', {
 *   normalize: [normalizers.collapseWhitespace, normalizers.lowercase],
 * }); //=> 1
 * ```
 */
export const normalizers: Normalizers = Object.freeze({
  trim: pyStrip,
  collapseWhitespace,
  lowercase: (text: string) => text.toLowerCase(),
  nfkc: (text: string) => text.normalize('NFKC'),
});
