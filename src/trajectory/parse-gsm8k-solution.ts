import { assertOptions, assertString } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { pyStrip } from '../_lib/python-whitespace.js';
import { isBlank, splitLines, type Line } from './_lines.js';
import { foundValue, TrajectoryError } from './trajectory-error.js';
import type { Step } from './types.js';

/** Options of {@link parseGsm8kSolution}. */
export interface ParseGsm8kSolutionOptions {
  /**
   * What to do with calculator annotations such as `<<16-3-4=9>>`: `'keep'`
   * (default, the text as the dataset has it) or `'strip'` (removes each
   * `<<...>>`, leaving `16 - 3 - 4 = 9`).
   */
  readonly calculator?: 'keep' | 'strip' | undefined;
  /** A file name or label of the input, copied into errors. */
  readonly source?: string | undefined;
  /** A JSON path of the input in its record (e.g. `$.answer`), copied into errors. */
  readonly path?: string | undefined;
}

/** A GSM8K solution: its steps and its final answer. */
export interface Gsm8kSolution {
  /** One step per non-blank line before the `####` line, trimmed; never empty. */
  readonly steps: Step[];
  /** The text after `####`, trimmed, as written (e.g. `'18'`, `'1,600'`). */
  readonly finalAnswer: string;
}

const FN = 'parseGsm8kSolution';
const CALCULATOR = /<<[^<>\n]*>>/g;
const OPTION_KEYS = optionKeys<ParseGsm8kSolutionOptions>({ calculator: true, source: true, path: true });

/**
 * Parses a GSM8K human-written solution (the `answer` field of
 * openai/grade-school-math): one step per line, then a last line `#### <answer>`.
 *
 * Each non-blank line before the `####` line is one step (`Step.action`, trimmed
 * with Python's `str.strip()` whitespace); blank lines are skipped. Calculator
 * annotations `<<16-3-4=9>>` are kept unless `calculator: 'strip'`. The final
 * answer is the text after `####`; it is not a step.
 *
 * Throws a {@link TrajectoryError} (with the 1-based line) when the `####` line is
 * missing, repeated or empty, when text follows it, when no step comes before it,
 * or when a line is nothing but a calculator annotation once stripped; a `TypeError`
 * for a bad option or a key of `options` that is not an option (naming the nearest one).
 *
 * @example
 * ```ts
 * import { parseGsm8kSolution } from 'srl-kit';
 * const answer = 'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18.\n#### 18';
 * parseGsm8kSolution(answer);
 * //=> { steps: [{ action: 'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.' }, { action: 'She makes 9 * 2 = $<<9*2=18>>18.' }], finalAnswer: '18' }
 * parseGsm8kSolution(answer, { calculator: 'strip' }).steps[0].action;
 * //=> 'Janet sells 16 - 3 - 4 = 9 duck eggs a day.'
 * ```
 */
export function parseGsm8kSolution(answer: string, options?: ParseGsm8kSolutionOptions): Gsm8kSolution {
  assertString(answer, FN, 'answer');
  assertOptions(options, FN);
  assertKnownKeys(options, OPTION_KEYS, FN);
  const calculator = options?.calculator ?? 'keep';
  if (calculator !== 'keep' && calculator !== 'strip') {
    const got = typeof calculator === 'string' ? JSON.stringify(calculator) : describeType(calculator);
    throw new TypeError(`${FN}: option 'calculator' must be 'keep' or 'strip', got ${got}`);
  }
  for (const name of ['source', 'path'] as const) {
    const v: unknown = options?.[name];
    if (v !== undefined && typeof v !== 'string') throw new TypeError(`${FN}: option '${name}' must be a string, got ${describeType(v)}`);
  }
  const fail = (line: number, expected: string, found: string): TrajectoryError =>
    new TrajectoryError({ source: options?.source, path: options?.path, line, expected, found });

  const lines = splitLines(answer);
  const steps: Step[] = [];
  let finalAnswer: string | undefined;
  let finalLine = 0;
  lines.forEach((line, i) => {
    const text = pyStrip(line.text);
    if (text.length === 0) return;
    if (finalAnswer !== undefined) {
      throw fail(i + 1, `nothing after the final answer line '#### ${finalAnswer}' (line ${finalLine})`, foundValue(text));
    }
    if (text.startsWith('####')) {
      finalAnswer = pyStrip(text.slice(4));
      finalLine = i + 1;
      if (finalAnswer.length === 0) throw fail(i + 1, "a final answer after '####'", 'nothing');
      if (steps.length === 0) throw fail(i + 1, "at least one solution line before '####'", `'####' on the first line`);
      return;
    }
    let action = text;
    if (calculator === 'strip') {
      action = pyStrip(text.replace(CALCULATOR, ''));
      if (action.length === 0) throw fail(i + 1, 'step text besides the calculator annotation', foundValue(text));
    }
    steps.push({ action });
  });
  if (finalAnswer === undefined) {
    let last = lines.length - 1;
    while (last > 0 && isBlank((lines[last] as Line).text)) last--;
    const lastText = pyStrip((lines[last] as Line).text);
    throw fail(last + 1, "a final line '#### <answer>'", lastText.length === 0 ? 'an empty solution' : `no '####' line; the last line is ${foundValue(lastText)}`);
  }
  return { steps, finalAnswer };
}
