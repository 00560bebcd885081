import { assertOptions, assertString } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { isPythonSpace, pyStrip } from '../_lib/python-whitespace.js';
import { parseSolution, type ParseNumberedSolutionOptions, type SolutionFormat, type StepSpan } from './parse-numbered-solution.js';
import { thinkingSpans, type StripThinkingOptions, type ThinkingSplit } from './strip-thinking.js';
import { TrajectoryError } from './trajectory-error.js';
import type { Step } from './types.js';

/** Options of {@link parseLongCoT}: those of {@link stripThinking} and {@link parseNumberedSolution}, and one more. */
export interface ParseLongCoTOptions extends StripThinkingOptions, Omit<ParseNumberedSolutionOptions, 'firstLine'> {
  /**
   * Throw a {@link TrajectoryError} for a truncated output instead of returning it
   * with `complete: false` and no steps (default `false`).
   */
  readonly requireComplete?: boolean | undefined;
}

/** What {@link parseLongCoT} returns: the split of {@link stripThinking} and the solution's steps. */
export interface ParsedLongCoT extends ThinkingSplit {
  /** The solution's steps (see {@link parseNumberedSolution}); empty when the output is not complete. */
  readonly steps: Step[];
  /** How the solution was cut into steps; `undefined` when the output is not complete. */
  readonly stepFormat: SolutionFormat | undefined;
  /** The solution's text before its first step. */
  readonly preamble: string;
  /** The solution's text after its last step (its final answer). */
  readonly conclusion: string;
  /** Where each step was found, with line numbers in the whole output. */
  readonly spans: StepSpan[];
  /** What lenient mode let pass in the solution, with line numbers in the whole output. */
  readonly issues: TrajectoryError[];
}

const FN = 'parseLongCoT';

// Those of stripThinking and parseNumberedSolution (less firstLine, which parseLongCoT sets), and requireComplete.
const OPTION_KEYS = optionKeys<ParseLongCoTOptions>({
  markers: true,
  unmarked: true,
  thinkTag: true,
  strict: true,
  fallback: true,
  titles: true,
  action: true,
  conclusion: true,
  maxGap: true,
  paragraphs: true,
  source: true,
  path: true,
  requireComplete: true,
});

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) line++;
  }
  return line;
}

/**
 * Parses a long chain-of-thought output (Sky-T1, DeepSeek-R1, QwQ) into its
 * thinking and the steps of its final solution: {@link stripThinking}, then
 * {@link parseNumberedSolution} on the solution (numbered steps if it has them,
 * else the fallbacks: `Step N` headings, then paragraphs). Line numbers in
 * `spans`, `issues` and errors count from the first line of the whole output.
 *
 * A truncated output is returned with `complete: false` and no steps (or throws
 * with `requireComplete`); a complete output whose solution cannot be parsed
 * (e.g. an empty solution, or in strict mode one that is not numbered) throws a
 * {@link TrajectoryError}. A bad option, or a key of `options` that is none of the
 * options above (`firstLine` included: it is set from the output), is a `TypeError`
 * naming `parseLongCoT` and, for a key, the nearest valid one.
 *
 * @example
 * ```ts
 * import { parseLongCoT } from 'srl-kit';
 * const out = parseLongCoT(
 *   '<think>\nTry x = 2.\n</think>\n1. **Solve**: x + 3 = 5, so x = 2.\n2. **Check**: 2 + 3 = 5.\n\nThus \\boxed{2}.',
 * );
 * out.stepFormat; //=> 'numbered'
 * out.steps.map((s) => s.title); //=> ['Solve', 'Check']
 * out.conclusion; //=> 'Thus \\boxed{2}.'
 * out.spans[0].line; //=> 4
 * parseLongCoT('<think>\nLet me think about').complete; //=> false
 * ```
 */
export function parseLongCoT(text: string, options?: ParseLongCoTOptions): ParsedLongCoT {
  assertString(text, FN, 'text');
  assertOptions(options, FN);
  assertKnownKeys(options, OPTION_KEYS, FN);
  const spans = thinkingSpans(text, options, FN);
  const requireComplete = options?.requireComplete ?? false;
  if (typeof requireComplete !== 'boolean') {
    throw new TypeError(`${FN}: option 'requireComplete' must be a boolean, got ${describeType(requireComplete)}`);
  }
  const thought = pyStrip(text.slice(spans.thought[0], spans.thought[1]));
  const base = { thought, complete: spans.complete, format: spans.format };
  if (spans.solution === undefined) {
    if (requireComplete) {
      throw new TrajectoryError({
        source: options?.source,
        path: options?.path,
        line: lineOf(text, text.length),
        expected: `'${spans.missing ?? ''}'`,
        found: 'the end of the text (a truncated output)',
      });
    }
    return { ...base, solution: '', steps: [], stepFormat: undefined, preamble: '', conclusion: '', spans: [], issues: [] };
  }
  let from = spans.solution[0];
  const to = spans.solution[1];
  while (from < to && isPythonSpace(text.charCodeAt(from))) from++;
  const solution = pyStrip(text.slice(from, to));
  const { requireComplete: _r, markers: _m, unmarked: _u, thinkTag: _t, ...rest } = options ?? {};
  const parsed = parseSolution(solution, { ...rest, firstLine: lineOf(text, from) }, FN);
  return {
    ...base,
    solution,
    steps: parsed.steps,
    stepFormat: parsed.format,
    preamble: parsed.preamble,
    conclusion: parsed.conclusion,
    spans: parsed.spans,
    issues: parsed.issues,
  };
}
