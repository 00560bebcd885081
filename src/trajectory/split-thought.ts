import { paragraphsOf, type SplitParagraphsOptions } from './split-paragraphs.js';

/**
 * Splits a long chain of thought (the `thought` of {@link stripThinking}) into its
 * paragraphs: {@link splitParagraphs} under a name that says what it is for. A
 * blank line inside fenced code or display maths does not split; `minLength`
 * merges the "Wait." and "Hmm." paragraphs that reasoning models write into the
 * paragraph they announce.
 *
 * @example
 * ```ts
 * import { splitThought, stripThinking } from 'srl-kit';
 * const { thought } = stripThinking('<think>\nLet x = 2.\n\nWait.\n\nThen x + 3 = 5.\n</think>\n5');
 * splitThought(thought); //=> ['Let x = 2.', 'Wait.', 'Then x + 3 = 5.']
 * splitThought(thought, { minLength: 8 }); //=> ['Let x = 2.', 'Wait.\n\nThen x + 3 = 5.']
 * ```
 */
export function splitThought(thought: string, options?: SplitParagraphsOptions): string[] {
  return paragraphsOf(thought, options, 'splitThought', 'thought');
}
