import { assertOptions, assertString } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { pyStrip } from '../_lib/python-whitespace.js';

/** Which long chain-of-thought markers an output uses. */
export type ThinkingFormat =
  /** `<think> ... </think>` then the solution (DeepSeek-R1, QwQ, Qwen3). */
  | 'think-tags'
  /** `<|begin_of_thought|> ... <|end_of_thought|>` then `<|begin_of_solution|> ... <|end_of_solution|>` (Sky-T1, Bespoke-Stratos). */
  | 'thought-solution'
  /** No marker at all. */
  | 'none';

/** Options of {@link stripThinking}. */
export interface StripThinkingOptions {
  /**
   * Which markers to look for (default `'auto'`: thought/solution markers if any
   * of the four occurs, else think tags if `<think>` or `</think>` occurs).
   */
  readonly markers?: 'auto' | 'think-tags' | 'thought-solution' | undefined;
  /**
   * What a text without any marker is (default `'solution'`: a plain answer,
   * complete). Use `'thought'` when the chat template already opened the thinking
   * block (DeepSeek-R1's ends the prompt with `<think>`): a text without a closing
   * marker is then an unfinished thought, `complete: false`.
   */
  readonly unmarked?: 'solution' | 'thought' | undefined;
  /** The think tag's name, without brackets (default `'think'`). */
  readonly thinkTag?: string | undefined;
}

/** A long chain-of-thought output split into its thinking and its solution. */
export interface ThinkingSplit {
  /** The thinking, without markers, trimmed (`''` when none). */
  readonly thought: string;
  /** The final solution, without markers, trimmed; `''` when the output is not complete. */
  readonly solution: string;
  /**
   * Whether every marker the format needs is there: the thinking is closed, and a
   * solution opened with `<|begin_of_solution|>` is closed. A truncated output is
   * `complete: false` with an empty `solution`, never a guess.
   */
  readonly complete: boolean;
  /** Which markers were found. */
  readonly format: ThinkingFormat;
}

/** The keys of {@link StripThinkingOptions}. @internal */
export const STRIP_THINKING_OPTION_KEYS = optionKeys<StripThinkingOptions>({ markers: true, unmarked: true, thinkTag: true });

const BOT = '<|begin_of_thought|>';
const EOT = '<|end_of_thought|>';
const BOS = '<|begin_of_solution|>';
const EOS = '<|end_of_solution|>';
const TAG_NAME = /^[A-Za-z_][\w.:-]*$/;

/**
 * Where the thought and the solution lie in the text (offsets before trimming).
 * @internal
 */
export interface ThinkingSpans {
  readonly format: ThinkingFormat;
  readonly complete: boolean;
  readonly thought: readonly [number, number];
  /** `undefined` when the output is not complete. */
  readonly solution: readonly [number, number] | undefined;
  /** The marker that a truncated output lacks. */
  readonly missing?: string | undefined;
}

function thinkTagSpans(text: string, tag: string): ThinkingSpans {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const closeAt = text.indexOf(close);
  const openAt = text.indexOf(open);
  if (closeAt === -1) {
    const thought = [openAt === -1 ? 0 : openAt + open.length, text.length] as const;
    return { format: 'think-tags', complete: false, thought, solution: undefined, missing: close };
  }
  const thoughtStart = openAt !== -1 && openAt < closeAt ? openAt + open.length : 0;
  return { format: 'think-tags', complete: true, thought: [thoughtStart, closeAt], solution: [closeAt + close.length, text.length] };
}

function thoughtSolutionSpans(text: string): ThinkingSpans {
  const format = 'thought-solution';
  const bot = text.indexOf(BOT);
  const thoughtStart = bot === -1 ? 0 : bot + BOT.length;
  const eot = text.indexOf(EOT, thoughtStart);
  const bos = text.indexOf(BOS, eot === -1 ? thoughtStart : eot + EOT.length);
  if (eot === -1 && bos === -1) return { format, complete: false, thought: [thoughtStart, text.length], solution: undefined, missing: EOT };
  const thought = [thoughtStart, eot !== -1 ? eot : bos] as const;
  if (bos !== -1) {
    const solutionStart = bos + BOS.length;
    const eos = text.indexOf(EOS, solutionStart);
    if (eos === -1) return { format, complete: false, thought, solution: undefined, missing: EOS };
    return { format, complete: true, thought, solution: [solutionStart, eos] };
  }
  const solutionStart = eot + EOT.length;
  const eos = text.indexOf(EOS, solutionStart);
  return { format, complete: true, thought, solution: [solutionStart, eos === -1 ? text.length : eos] };
}

/**
 * Finds the thought and the solution of a long chain-of-thought output, after
 * checking the options (not their keys: the caller knows which it takes): the work
 * of {@link stripThinking}, with offsets.
 * @internal
 */
export function thinkingSpans(text: string, options: StripThinkingOptions | undefined, fn: string): ThinkingSpans {
  assertString(text, fn, 'text');
  assertOptions(options, fn);
  const markers = options?.markers ?? 'auto';
  if (markers !== 'auto' && markers !== 'think-tags' && markers !== 'thought-solution') {
    const got = typeof markers === 'string' ? JSON.stringify(markers) : describeType(markers);
    throw new TypeError(`${fn}: option 'markers' must be 'auto', 'think-tags' or 'thought-solution', got ${got}`);
  }
  const unmarked = options?.unmarked ?? 'solution';
  if (unmarked !== 'solution' && unmarked !== 'thought') {
    const got = typeof unmarked === 'string' ? JSON.stringify(unmarked) : describeType(unmarked);
    throw new TypeError(`${fn}: option 'unmarked' must be 'solution' or 'thought', got ${got}`);
  }
  const tag = options?.thinkTag ?? 'think';
  if (typeof tag !== 'string' || !TAG_NAME.test(tag)) {
    const got = typeof tag === 'string' ? JSON.stringify(tag) : describeType(tag);
    throw new TypeError(`${fn}: option 'thinkTag' must be a tag name such as 'think', got ${got}`);
  }
  const hasThoughtSolution = [BOT, EOT, BOS, EOS].some((m) => text.includes(m));
  const hasThinkTags = text.includes(`<${tag}>`) || text.includes(`</${tag}>`);
  if ((markers === 'auto' || markers === 'thought-solution') && hasThoughtSolution) return thoughtSolutionSpans(text);
  if ((markers === 'auto' || markers === 'think-tags') && hasThinkTags) return thinkTagSpans(text, tag);
  const whole = [0, text.length] as const;
  return unmarked === 'solution'
    ? { format: 'none', complete: true, thought: [0, 0], solution: whole }
    : { format: 'none', complete: false, thought: whole, solution: undefined, missing: `</${tag}>` };
}

/**
 * Splits a long chain-of-thought output (Sky-T1, DeepSeek-R1, QwQ) into its
 * thinking and its final solution.
 *
 * - `<think> ... </think> solution`: the opening tag may be missing (chat
 *   templates often put it in the prompt); the thought ends at the first
 *   `</think>`.
 * - `<|begin_of_thought|> ... <|end_of_thought|> <|begin_of_solution|> ...
 *   <|end_of_solution|>`: the thought ends at `<|end_of_thought|>` (or, if that is
 *   missing, at `<|begin_of_solution|>`); a solution that was opened must be
 *   closed; without `<|begin_of_solution|>` the solution is what follows the
 *   thought. Text after `<|end_of_solution|>` is dropped.
 * - Text before the opening marker is dropped.
 *
 * A truncated output (a generation cut off before its end marker) gives
 * `complete: false` and an empty `solution`, with what was thought so far in
 * `thought`. Markers are matched exactly (case-sensitive). Never throws for a
 * string; throws a `TypeError` for a non-string, a bad option, or a key of `options`
 * that is not an option (naming the nearest one: `thinktag` -> `thinkTag`).
 *
 * @example
 * ```ts
 * import { stripThinking } from 'srl-kit';
 * stripThinking('<think>2 + 2 is 4</think>\nThe answer is 4.');
 * //=> { thought: '2 + 2 is 4', solution: 'The answer is 4.', complete: true, format: 'think-tags' }
 * stripThinking('<|begin_of_thought|>\n\nLet me see.\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n\\boxed{4}\n<|end_of_solution|>');
 * //=> { thought: 'Let me see.', solution: '\\boxed{4}', complete: true, format: 'thought-solution' }
 * stripThinking('<|begin_of_thought|>\n\nSo I have this problem. Maybe I need').complete; //=> false
 * stripThinking('The answer is 4.'); //=> { thought: '', solution: 'The answer is 4.', complete: true, format: 'none' }
 * ```
 */
export function stripThinking(text: string, options?: StripThinkingOptions): ThinkingSplit {
  const fn = 'stripThinking';
  assertString(text, fn, 'text');
  assertOptions(options, fn);
  assertKnownKeys(options, STRIP_THINKING_OPTION_KEYS, fn);
  const spans = thinkingSpans(text, options, fn);
  return {
    thought: pyStrip(text.slice(spans.thought[0], spans.thought[1])),
    solution: spans.solution === undefined ? '' : pyStrip(text.slice(spans.solution[0], spans.solution[1])),
    complete: spans.complete,
    format: spans.format,
  };
}
