import { assertOptions, assertString } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import { isPythonSpace, pyStrip } from '../_lib/python-whitespace.js';

/** Options of {@link parseStepOutput}. */
export interface ParseStepOutputOptions {
  /**
   * The monologue's tag name, without brackets (default `'think'`, the paper's);
   * e.g. `'thinking'` or `'reasoning'` for other models.
   */
  readonly thinkTag?: string | undefined;
  /**
   * Whether the output must contain a think block (default `true`, the paper's
   * format). When `false`, an output without any think tag is all action.
   */
  readonly requireThink?: boolean | undefined;
  /**
   * Accept an output without the opening tag, taking everything before the
   * closing tag as the monologue (default `false`). Turn it on when the chat
   * template already ends the prompt with `<think>`, as some reasoning models' do.
   */
  readonly implicitOpen?: boolean | undefined;
  /**
   * Unwrap an action written as `<solution>...</solution>` (the paper's figure):
   * `false` (default) leaves the action as it is, `true` unwraps it when the whole
   * action is one such block, `'require'` also rejects an action that is not.
   */
  readonly unwrapSolution?: boolean | 'require' | undefined;
  /** The solution tag name, without brackets (default `'solution'`). */
  readonly solutionTag?: string | undefined;
}

/** Why an output does not follow the step format. */
export type ParseFailureReason =
  /** No think block, and one is required. */
  | 'missing-think'
  /** An opening tag without a closing tag (e.g. a generation cut off mid-thought). */
  | 'unclosed-think'
  /** A closing tag without an opening tag (and `implicitOpen` is off). */
  | 'unopened-think'
  /** Text other than whitespace before the opening tag. */
  | 'text-before-think'
  /** More than one opening or closing tag: the format has one monologue, then the action. */
  | 'multiple-think'
  /** Nothing but whitespace after the monologue (or inside the solution block). */
  | 'empty-action'
  /** `unwrapSolution: 'require'` and the action is not one solution block. */
  | 'missing-solution'
  /** A solution tag that does not wrap the whole action in exactly one block. */
  | 'malformed-solution';

/** A parsed step output: the monologue and the action that the reward compares. */
export interface ParsedStepOutput {
  /** The output follows the format. */
  readonly ok: true;
  /** The monologue inside the think block, trimmed (`''` when there was none). */
  readonly thought: string;
  /** The action after the think block, trimmed like Python's `str.strip()`. */
  readonly action: string;
}

/** An output that does not follow the format; its reward is the format penalty. */
export interface StepOutputFormatError {
  /** The output does not follow the format. */
  readonly ok: false;
  /** A stable code, for counting and filtering. */
  readonly reason: ParseFailureReason;
  /** A sentence for people, naming the position where it went wrong. */
  readonly message: string;
}

/** What {@link parseStepOutput} returns. */
export type ParseStepOutputResult = ParsedStepOutput | StepOutputFormatError;

const FN = 'parseStepOutput';

/** The keys of {@link ParseStepOutputOptions}, for the unknown-option check. @internal */
export const PARSE_OPTION_KEYS: readonly string[] = ['thinkTag', 'requireThink', 'implicitOpen', 'unwrapSolution', 'solutionTag'];
const TAG_NAME = /^[A-Za-z_][\w.:-]*$/;

function tagOption(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !TAG_NAME.test(value)) {
    throw new TypeError(
      `${FN}: option '${name}' must be a tag name such as '${fallback}' (letters, digits, '_', '-', '.', ':'), got ${
        typeof value === 'string' ? JSON.stringify(value) : describeType(value)
      }`,
    );
  }
  return value;
}

function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`${FN}: option '${name}' must be a boolean, got ${describeType(value)}`);
  }
  return value;
}

function allIndexes(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) found.push(at);
  return found;
}

function fail(reason: ParseFailureReason, message: string): StepOutputFormatError {
  return { ok: false, reason, message };
}

function firstNonSpace(text: string): number {
  let i = 0;
  while (i < text.length && isPythonSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Splits a model's output into its monologue and its action, following the SRL
 * format: `<think>` monologue `</think>` then the action.
 *
 * Rules (each failure has its own {@link ParseFailureReason}):
 * - the output must start with the opening tag (whitespace before it is allowed),
 *   unless `implicitOpen` is on, in which case the opening tag may be left out;
 * - it must hold exactly one opening and one closing tag: several think blocks,
 *   or a tag inside the action, are a format error, not something to guess about;
 * - a missing closing tag (a generation cut off while thinking) is a format error;
 * - the action is everything after the closing tag, trimmed with Python's
 *   `str.strip()` whitespace, and must not be empty;
 * - with `requireThink: false`, an output with no think tag at all is all action.
 * Tags are matched exactly (case-sensitive). This function never throws for any
 * string; it throws a `TypeError` only for a non-string, a bad option value or an
 * unknown option (a misspelled one is never ignored).
 *
 * @example
 * ```ts
 * import { parseStepOutput } from 'srl-kit';
 * parseStepOutput('<think>2 + 3 is 5</think>\nSo x = 5.');
 * //=> { ok: true, thought: '2 + 3 is 5', action: 'So x = 5.' }
 * parseStepOutput('<think>still thinking');
 * //=> { ok: false, reason: 'unclosed-think', message: '...' }
 * parseStepOutput('<think>t</think><solution>x = 5</solution>', { unwrapSolution: true });
 * //=> { ok: true, thought: 't', action: 'x = 5' }
 * ```
 */
export function parseStepOutput(text: string, options: ParseStepOutputOptions = {}): ParseStepOutputResult {
  assertString(text, FN, 'text');
  assertOptions(options, FN);
  assertKnownKeys(options, PARSE_OPTION_KEYS, FN, 'options');
  const tag = tagOption(options.thinkTag, 'thinkTag', 'think');
  const requireThink = booleanOption(options.requireThink, 'requireThink', true);
  const implicitOpen = booleanOption(options.implicitOpen, 'implicitOpen', false);
  const solutionTag = tagOption(options.solutionTag, 'solutionTag', 'solution');
  const unwrap = options.unwrapSolution ?? false;
  if (unwrap !== true && unwrap !== false && unwrap !== 'require') {
    throw new TypeError(
      `${FN}: option 'unwrapSolution' must be true, false or 'require', got ${
        typeof unwrap === 'string' ? JSON.stringify(unwrap) : describeType(unwrap)
      }`,
    );
  }

  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const opens = allIndexes(text, open);
  const closes = allIndexes(text, close);

  let thought = '';
  let rest: string;
  if (opens.length === 0 && closes.length === 0) {
    if (requireThink) return fail('missing-think', `no ${open}...${close} block; the output must start with its monologue`);
    rest = text;
  } else {
    if (opens.length > 1 || closes.length > 1) {
      const where = opens.length > 1 ? `${open} at offsets ${opens.join(', ')}` : `${close} at offsets ${closes.join(', ')}`;
      return fail('multiple-think', `more than one think tag (${where}); the format is one monologue, then the action`);
    }
    const closeAt = closes[0];
    const openAt = opens[0];
    if (closeAt === undefined) {
      return fail('unclosed-think', `${open} at offset ${openAt ?? 0} is never closed by ${close}`);
    }
    let thoughtStart: number;
    if (openAt === undefined) {
      if (!implicitOpen) {
        return fail('unopened-think', `${close} at offset ${closeAt} has no ${open} before it (set implicitOpen if the prompt opens it)`);
      }
      thoughtStart = 0;
    } else {
      if (openAt > closeAt) {
        return fail('unopened-think', `${close} at offset ${closeAt} comes before ${open} at offset ${openAt}`);
      }
      const lead = firstNonSpace(text);
      if (lead < openAt) return fail('text-before-think', `text at offset ${lead} comes before ${open} at offset ${openAt}`);
      thoughtStart = openAt + open.length;
    }
    thought = pyStrip(text.slice(thoughtStart, closeAt));
    rest = text.slice(closeAt + close.length);
  }

  let action = pyStrip(rest);
  if (unwrap !== false) {
    const sOpen = `<${solutionTag}>`;
    const sClose = `</${solutionTag}>`;
    const has = action.includes(sOpen) || action.includes(sClose);
    if (has) {
      const whole =
        action.startsWith(sOpen) &&
        action.endsWith(sClose) &&
        action.length >= sOpen.length + sClose.length &&
        allIndexes(action, sOpen).length === 1 &&
        allIndexes(action, sClose).length === 1;
      if (!whole) {
        return fail('malformed-solution', `the action must be exactly one ${sOpen}...${sClose} block when it uses that tag`);
      }
      action = pyStrip(action.slice(sOpen.length, action.length - sClose.length));
    } else if (unwrap === 'require') {
      return fail('missing-solution', `the action is not wrapped in ${sOpen}...${sClose}`);
    }
  }
  if (action.length === 0) return fail('empty-action', 'no action after the monologue');
  return { ok: true, thought, action };
}
