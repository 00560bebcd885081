import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import { PARSE_OPTION_KEYS, parseStepOutput, type ParseStepOutputOptions } from '../reward/index.js';
import { SRL_AGENT_SYSTEM_PROMPT, SRL_MATH_SYSTEM_PROMPT } from './system-prompts.js';

/**
 * What of the parse options the SRL instructions show: the think tag, and the
 * solution tag when the action is to be wrapped in it.
 * @internal
 */
export interface OutputFormat {
  readonly thinkTag: string;
  /** Set when `unwrapSolution` is on (`true` or `'require'`): the action goes inside this tag. */
  readonly solutionTag: string | undefined;
}

/** The format of the default parse options: `<think>...</think>`, the action bare. @internal */
export const DEFAULT_OUTPUT_FORMAT: OutputFormat = Object.freeze({ thinkTag: 'think', solutionTag: undefined });

/**
 * Checks the `parse` option of `fn` (the options of `parseStepOutput`, the same object
 * `stepReward` takes as `options.parse`) and returns the format the instructions state.
 * An unknown key, a value that is not an object, or an invalid option value is a
 * `TypeError` naming `fn` and the path (`options.parse`, `parse.thinkTag`); so is
 * `requireActionBlock: true`, which would score every output that follows the
 * instructions as a format error.
 * @internal
 */
export function resolveOutputFormat(parse: unknown, fn: string): OutputFormat {
  if (parse === undefined) return DEFAULT_OUTPUT_FORMAT;
  if (parse === null || typeof parse !== 'object' || Array.isArray(parse)) {
    throw new TypeError(`${fn}: option 'parse' must be an object of parseStepOutput options (e.g. { thinkTag: 'reasoning' }), got ${describeType(parse)}`);
  }
  assertKnownKeys(parse, PARSE_OPTION_KEYS, fn, 'options.parse');
  const options = parse as ParseStepOutputOptions;
  try {
    // parseStepOutput checks every option value before it reads the text.
    parseStepOutput('', options);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const detail = error.message.replace(/^parseStepOutput: option '/, "option 'parse.");
    throw new TypeError(detail.startsWith("option 'parse.") ? `${fn}: ${detail}` : `${fn}: option 'parse' is invalid: ${error.message}`);
  }
  // The instructions ask for the action bare after the monologue: an output that follows
  // them has no framework block, which requireActionBlock scores as a format error.
  if (options.requireActionBlock === true) {
    throw new TypeError(
      `${fn}: option 'parse.requireActionBlock' demands the framework's own action block, which the SRL instructions do not ask for (every output that follows them would score the format penalty); leave it out of the prompt options: with unwrapAction alone, the bare action and the framework's block both score`,
    );
  }
  const unwrap = options.unwrapSolution ?? false;
  return {
    thinkTag: options.thinkTag ?? 'think',
    solutionTag: unwrap === false ? undefined : (options.solutionTag ?? 'solution'),
  };
}

/**
 * The SRL instructions of a built-in template (the paper's maths prompt, or the agent
 * prompt), with the response template rendered for `format`: the think tag replaced,
 * and the action wrapped in the solution tag when there is one. The default format
 * gives the constants verbatim.
 * @internal
 */
export function srlSystemPrompt(template: 'math' | 'agent', format: OutputFormat): string {
  const base = template === 'math' ? SRL_MATH_SYSTEM_PROMPT : SRL_AGENT_SYSTEM_PROMPT;
  if (format.thinkTag === 'think' && format.solutionTag === undefined) return base;
  // Both prompts hold exactly one '<think>' and one '</think> ', which ends the monologue
  // of their response template; what follows is the action's place in it.
  const open = base.indexOf('<think>');
  const close = base.indexOf('</think> ');
  const head = base.slice(0, open);
  const monologue = base.slice(open + '<think>'.length, close);
  const action = base.slice(close + '</think> '.length);
  const t = format.thinkTag;
  const s = format.solutionTag;
  const wrapped = s === undefined ? action : `<${s}> ${action}</${s}>`;
  return `${head}<${t}>${monologue}</${t}> ${wrapped}`;
}

/** The line that opens the section holding the task's own system text. @internal */
export const TASK_INSTRUCTIONS_OPEN = '<task_instructions>';
/** The line that closes that section. @internal */
export const TASK_INSTRUCTIONS_CLOSE = '</task_instructions>';

/**
 * The sentence that introduces the task's own system text in the combined layout.
 * @internal
 */
export const TASK_INSTRUCTIONS_INTRO =
  'The task has its own instructions, between the <task_instructions> tags below. Follow them, except for the format of your response: use the format given after them, which replaces any response format they describe.';

/**
 * The system message of a built-in template: the SRL instructions alone, or, when the
 * task has its own system text, the intro sentence, the task's text verbatim between
 * `<task_instructions>` lines, and the SRL instructions last (blank lines between).
 * @internal
 */
export function composeSystemPrompt(srl: string, taskSystem: string | undefined): string {
  if (taskSystem === undefined) return srl;
  return [TASK_INSTRUCTIONS_INTRO, `${TASK_INSTRUCTIONS_OPEN}\n${taskSystem}\n${TASK_INSTRUCTIONS_CLOSE}`, srl].join('\n\n');
}
