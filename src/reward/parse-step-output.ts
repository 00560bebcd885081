import { assertOptions, assertString } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { miniSweAgentBlocks } from '../_lib/mini-swe-agent-blocks.js';
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
  /**
   * Remove an agent framework's own wrapper from the action before it is compared,
   * finding it as the framework finds it in its model's response: the expert steps of
   * that framework's trajectories are the commands taken out of the same wrapper, so an
   * output that gives the expert's command in the framework's format scores 1. Off by
   * default (the action is compared as written). The response is the text after the
   * monologue:
   * - `'mini-swe-agent'`: mini-swe-agent's default `action_regex`,
   *   ```` ```mswea_bash_command\s*\n(.*?)\n``` ```` (Python's `\s`, `re.DOTALL`): the
   *   action is the command of the one such block, stripped; two or more blocks are
   *   `multiple-action-blocks` (mini-swe-agent rejects them too);
   * - `'swe-agent'`: SWE-agent's `thought_action` parser (a DISCUSSION, then the command in
   *   a ```` ``` ```` fence): the last fenced block that is not nested in another, stripped;
   * - a `RegExp`: applied as mini-swe-agent applies its `action_regex` (every match; more
   *   than one is `multiple-action-blocks`; the first capture group, stripped), with
   *   JavaScript's regular-expression rules; e.g. ```` /```bash\s*\n(.*?)\n```/s ```` for
   *   runs before the `mswea_bash_command` fence. It must have a capture group.
   *
   * Text outside the block is the framework's thought and is not compared. A response
   * with no block is compared as written (a bare command), unless `requireActionBlock`.
   * Not with `unwrapSolution` (a `TypeError`).
   */
  readonly unwrapAction?: 'mini-swe-agent' | 'swe-agent' | RegExp | undefined;
  /**
   * With `unwrapAction`: a response without the framework's block breaks the format
   * (`missing-action-block`), as the framework itself rejects it. Default `false`: it is
   * compared as written. Only with `unwrapAction` (a `TypeError` otherwise).
   */
  readonly requireActionBlock?: boolean | undefined;
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
  | 'malformed-solution'
  /** `requireActionBlock` and the response holds no action block of the `unwrapAction` framework. */
  | 'missing-action-block'
  /** `unwrapAction` is set and the response holds more than one action block (the framework rejects it). */
  | 'multiple-action-blocks';

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

/**
 * The option names of {@link parseStepOutput} (every key of {@link ParseStepOutputOptions}),
 * for code that checks or forwards them (the reward server, the step prompts).
 * @example
 * ```ts
 * import { PARSE_OPTION_KEYS } from 'srl-kit';
 * PARSE_OPTION_KEYS.includes('thinkTag'); //=> true
 * ```
 */
export const PARSE_OPTION_KEYS: readonly string[] = optionKeys<ParseStepOutputOptions>({
  thinkTag: true,
  requireThink: true,
  implicitOpen: true,
  unwrapSolution: true,
  solutionTag: true,
  unwrapAction: true,
  requireActionBlock: true,
});
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


type ActionUnwrap = 'mini-swe-agent' | 'swe-agent' | RegExp;

function actionUnwrapOption(value: unknown): ActionUnwrap | undefined {
  if (value === undefined || value === 'mini-swe-agent' || value === 'swe-agent') return value;
  if (value instanceof RegExp) {
    // The number of capture groups: an alternative that matches '' makes every group undefined.
    const groups = new RegExp(`${value.source}|`).exec('')!.length - 1;
    if (groups < 1) throw new TypeError(`${FN}: option 'unwrapAction' must have a capture group for the action, got ${String(value)}`);
    return new RegExp(value.source, value.flags.includes('g') ? value.flags : `${value.flags}g`);
  }
  throw new TypeError(
    `${FN}: option 'unwrapAction' must be 'mini-swe-agent', 'swe-agent' or a RegExp, got ${
      typeof value === 'string' ? JSON.stringify(value) : describeType(value)
    }`,
  );
}

/**
 * The action blocks of `response` by `regex` (a global one), mini-swe-agent's way
 * (`re.findall`): the first group of each match, left to right, without overlap.
 */
function regexBlocks(response: string, regex: RegExp): string[] {
  return [...response.matchAll(regex)].map((m) => m[1] ?? '');
}


/**
 * The fence line that starts at `at` (a line start holding three backticks), as
 * SWE-agent's pattern `^```(\S*)\s*\n|^```\s*$` (Python, multi-line) matches it:
 * `info` is the text after the backticks ('' for none) when the first alternative
 * matches, null for the second; `end` is where the match ends. Undefined when
 * neither matches.
 */
function fenceAt(text: string, at: number): { readonly end: number; readonly info: string | null } | undefined {
  const n = text.length;
  let j = at + 3;
  while (j < n && !isPythonSpace(text.charCodeAt(j))) j++;
  let k = j;
  let lastNewline = -1;
  while (k < n && isPythonSpace(text.charCodeAt(k))) {
    if (text.charCodeAt(k) === 10) lastNewline = k;
    k++;
  }
  // `(\S*)\s*\n`: the greedy whitespace gives back up to its last newline.
  if (lastNewline >= 0) return { end: lastNewline + 1, info: text.slice(at + 3, j) };
  // `\s*$`: nothing but whitespace (no newline) to the end of the text.
  if (j === at + 3 && k === n) return { end: n, info: null };
  return undefined;
}

/**
 * SWE-agent's `thought_action` parser: the content of the last fenced block that is not
 * nested in another. A fence line with text after the backticks always opens a block; a
 * bare one closes the innermost open block, or opens one when none is open. Undefined
 * when no block closes at the top level.
 */
function sweAgentBlock(text: string): string | undefined {
  const open: number[] = [];
  let last: string | undefined;
  let at = 0;
  while (at < text.length) {
    const fence = text.startsWith('```', at) ? fenceAt(text, at) : undefined;
    if (fence !== undefined) {
      if (open.length > 0 && !fence.info) {
        const start = open.pop()!;
        if (open.length === 0) last = text.slice(start, at);
      } else if (fence.info !== null) {
        open.push(fence.end);
      }
      at = fence.end;
      continue;
    }
    const newline = text.indexOf('\n', at);
    if (newline === -1) break;
    at = newline + 1;
  }
  return last;
}

/**
 * The action inside a framework's wrapper: its command, undefined when the response
 * holds no block, or why the response breaks the format.
 */
function unwrapFrameworkAction(response: string, how: ActionUnwrap): string | undefined | StepOutputFormatError {
  if (how === 'swe-agent') {
    const block = sweAgentBlock(response);
    return block === undefined ? undefined : pyStrip(block);
  }
  const blocks = how === 'mini-swe-agent' ? miniSweAgentBlocks(response).map((b) => b.command) : regexBlocks(response, how);
  if (blocks.length > 1) {
    const what = how === 'mini-swe-agent' ? '```mswea_bash_command blocks' : `blocks matching ${String(how)}`;
    return fail('multiple-action-blocks', `${blocks.length} ${what} in the response; the format has exactly one`);
  }
  return blocks.length === 0 ? undefined : pyStrip(blocks[0]!);
}

/** What the framework's block looks like, for messages. */
function blockName(how: ActionUnwrap): string {
  if (how === 'mini-swe-agent') return '```mswea_bash_command block';
  if (how === 'swe-agent') return "fenced ``` block (SWE-agent's thought_action format)";
  return `block matching ${String(how)}`;
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
 * - with `requireThink: false`, an output with no think tag at all is all action;
 * - with `unwrapAction`, the action is the command inside the agent framework's own
 *   wrapper (```` ```mswea_bash_command ```` block, SWE-agent's fenced block), found
 *   as the framework finds it in the text after the monologue.
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
 * parseStepOutput('<think>t</think>THOUGHT: look.\n\n```mswea_bash_command\nls -la\n```', { unwrapAction: 'mini-swe-agent' });
 * //=> { ok: true, thought: 't', action: 'ls -la' }
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
  const unwrapAction = actionUnwrapOption(options.unwrapAction);
  if (unwrapAction !== undefined && unwrap !== false) {
    throw new TypeError(`${FN}: options 'unwrapAction' and 'unwrapSolution' cannot be used together: the action is either a framework's block or a solution block`);
  }
  const requireBlock = booleanOption(options.requireActionBlock, 'requireActionBlock', false);
  if (requireBlock && unwrapAction === undefined) {
    throw new TypeError(`${FN}: option 'requireActionBlock' needs option 'unwrapAction' (the framework whose block is required)`);
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
  if (unwrapAction !== undefined && action.length > 0) {
    // The framework reads the response as written (its fences are found at line starts).
    const unwrapped = unwrapFrameworkAction(rest, unwrapAction);
    if (typeof unwrapped === 'string') action = unwrapped;
    else if (unwrapped !== undefined) return unwrapped;
    else if (requireBlock) return fail('missing-action-block', `no ${blockName(unwrapAction)} in the response`);
  }
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
