import { readFile } from 'node:fs/promises';
import { writeDataset } from '../../io/write-dataset.js';
import { stepPromptStream } from '../../prompts/step-prompt-stream.js';
import { countChatTokens, createTokenCounter, type TokenCounter } from '../../prompts/token-counter.js';
import type { TokenizerConfig } from '../../prompts/render-chat-template.js';
import type { StepPrompt } from '../../prompts/types.js';
import { createSkipReport, handleRecordError, type OnError, type SkipReport } from '../../trajectory/error-policy.js';
import { foundValue, TrajectoryError } from '../../trajectory/trajectory-error.js';
import type { ChatMessage } from '../../trajectory/types.js';
import { assertTrajectory } from '../../trajectory/validate-trajectory.js';
import { choiceValue, integerValue, parseCommandArgs, positionalArgs, stringValue } from '../args.js';
import { CliError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { checkInputFile, checkOutputPath, outputFormatOf } from '../paths.js';
import { createProgress } from '../progress.js';
import { readRecords } from '../read-records.js';
import { parseOptionValue } from '../parse-option.js';
import { INPUT_FORMATS, toTrajectory, type AgentRecordOptions, type InputFormat } from '../to-trajectory.js';

/** `srl prompts --help`. */
export const PROMPTS_HELP = `Usage: srl prompts <input> -o <output> [options]

Turns expert trajectories into SRL step prompts (one per step), written as a
TRL or verl dataset: JSON Lines (.jsonl, .jsonl.gz) or Parquet (.parquet).

Input: JSON Lines (.jsonl, .ndjson), a JSON array, or one JSON object (a
SWE-agent .traj file); any of them gzipped (.gz).

The output is written to a temporary file beside it and renamed into place
when complete: an interrupted or failed run leaves the -o path as it was.

Options:
  -o, --output <file>         output file (.jsonl, .jsonl.gz or .parquet)       [required]
  --format <f>                auto|numbered|openai|anthropic|tau-bench|sweagent|
                              mini-swe-agent|openhands                          [auto]
  --template <t>              math|agent|auto                                   [auto]
  --history <N>               previous expert steps shown (default: all for math, 2 for agent)
  --max-prompt-tokens <N>     drop the oldest history steps until a prompt fits (needs --tokenizer)
  --tokenizer <file>          the model's tokenizer.json (only with --max-prompt-tokens)
  --tokenizer-config <file>   its tokenizer_config.json: exact counts with the chat template
  --layout <l>                trl|verl                                          [trl]
  --include-meta              add each prompt's meta as JSON (TRL: a meta column;
                              verl: extra_info.meta), incl. meta.srl: template,
                              history shown, steps dropped by window and budget,
                              promptTokens
  --on-error <p>              throw|skip: stop at, or skip and count, bad records  [throw]
  --parse <json>              the step-format rules you score with (stepReward's
                              parse options), so the prompt asks for that format,
                              e.g. '{"thinkTag":"reasoning"}'
  --thinking-tools <a,b>      tool calls that are thinking, folded into the next
                              step's thought ("" for none)                    [think]
  --drop-tools <a,b>          tool calls that are not steps
  --keep-tools <a,b>          the only tool calls that are steps (not with --drop-tools)
  --action-from <a>           SWE-agent: action|tool_calls: the target is the
                              command SWE-agent ran, or the model's tool call [action]
  -h, --help                  show this help

Formats (--format auto detects each record): {task, steps} trajectories pass
through; {problem|question|task, solution} is a numbered solution; {question,
answer with "####"} is GSM8K; an array of OpenHands events ({id, source,
action|observation}; one run per record, e.g. one .jsonl line) is OpenHands;
{trajectory: [...]} is SWE-agent; {task_id, traj: [...]} is a tau-bench
record; chat messages (an array or {messages}) are
mini-swe-agent (mswea_bash_command blocks), Anthropic (tool_use blocks) or OpenAI.

Example:
  srl prompts examples/data/math-solutions.jsonl -o train.parquet --layout verl
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  template: { type: 'string' },
  history: { type: 'string' },
  'max-prompt-tokens': { type: 'string' },
  tokenizer: { type: 'string' },
  'tokenizer-config': { type: 'string' },
  layout: { type: 'string' },
  'on-error': { type: 'string' },
  'include-meta': { type: 'boolean' },
  parse: { type: 'string' },
  'thinking-tools': { type: 'string' },
  'drop-tools': { type: 'string' },
  'keep-tools': { type: 'string' },
  'action-from': { type: 'string' },
} as const;

/** A comma-separated list of tool names (`''`: none). */
function toolList(args: Parameters<typeof stringValue>[0], name: string): string[] | undefined {
  const v = stringValue(args, name);
  if (v === undefined) return undefined;
  const names = v.split(',').map((t) => t.trim());
  if (v.trim() === '') return [];
  if (names.some((t) => t === '')) throw new CliError(`option --${name} must be tool names separated by commas, got ${JSON.stringify(v)}`, 2);
  return names;
}

/**
 * `srl prompts`: trajectories in, a step-prompt dataset out, a summary on stderr.
 * With `--max-prompt-tokens` the summary also says in how many prompts the token
 * budget cut the history; `--include-meta` writes each prompt's `meta.srl`. The
 * dataset is written whole or not at all: an error or a signal (exit code 128 + its
 * number) leaves the `-o` path as it was; an `-o` that is one of the input files is
 * refused (exit code 2).
 *
 * @param argv - The arguments after `prompts`.
 * @example
 * ```ts
 * await promptsCommand(['examples/data/math-solutions.jsonl', '-o', 'train.parquet', '--layout', 'verl']);
 * // stderr: srl prompts: examples/data/math-solutions.jsonl -> train.parquet (parquet, verl)
 * //           records: 3, trajectories: 3, prompts: 7, skipped: 0
 * ```
 */
export async function promptsCommand(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs(argv, OPTIONS);
  if (args.values['help'] === true) {
    process.stdout.write(PROMPTS_HELP);
    return;
  }
  const [input] = positionalArgs(args, ['input']) as [string];
  const output = stringValue(args, 'output');
  if (output === undefined) throw new CliError('missing option -o <output> (see --help)', 2);
  outputFormatOf(output, '.jsonl, .jsonl.gz or .parquet');
  const format = choiceValue<InputFormat>(args, 'format', INPUT_FORMATS, 'auto');
  const template = choiceValue(args, 'template', ['auto', 'math', 'agent'] as const, 'auto');
  const layout = choiceValue(args, 'layout', ['trl', 'verl'] as const, 'trl');
  const onError = choiceValue<OnError>(args, 'on-error', ['throw', 'skip'], 'throw');
  const history = integerValue(args, 'history', 0);
  const maxPromptTokens = integerValue(args, 'max-prompt-tokens', 1);
  const tokenizer = stringValue(args, 'tokenizer');
  const tokenizerConfig = stringValue(args, 'tokenizer-config');
  const includeMeta = args.values['include-meta'] === true;
  const parse = parseOptionValue(stringValue(args, 'parse'));
  const thinkingTools = toolList(args, 'thinking-tools');
  const dropTools = toolList(args, 'drop-tools');
  const keepTools = toolList(args, 'keep-tools');
  if (dropTools !== undefined && keepTools !== undefined) throw new CliError('options --drop-tools and --keep-tools cannot be used together', 2);
  const actionFromFlag = stringValue(args, 'action-from');
  const actionFrom = actionFromFlag === undefined ? undefined : choiceValue(args, 'action-from', ['action', 'tool_calls'] as const, 'action');
  const agent: AgentRecordOptions = {
    ...(thinkingTools === undefined ? {} : { thinkingTools }),
    ...(dropTools === undefined ? {} : { dropTools }),
    ...(keepTools === undefined ? {} : { keepTools }),
    ...(actionFrom === undefined ? {} : { actionFrom }),
  };
  if (maxPromptTokens !== undefined && tokenizer === undefined) {
    throw new CliError('option --max-prompt-tokens needs --tokenizer <tokenizer.json>', 2);
  }
  // A tokenizer is only used to count tokens against a budget: alone it would be silently ignored.
  if (tokenizer !== undefined && maxPromptTokens === undefined) {
    throw new CliError('option --tokenizer is only used with --max-prompt-tokens <N>', 2);
  }
  if (tokenizerConfig !== undefined && tokenizer === undefined) {
    throw new CliError('option --tokenizer-config needs --tokenizer <tokenizer.json>', 2);
  }
  const inputs = [input, ...(tokenizer === undefined ? [] : [tokenizer]), ...(tokenizerConfig === undefined ? [] : [tokenizerConfig])];
  for (const file of inputs) await checkInputFile(file);
  await checkOutputPath(output, inputs);
  let countTokens: ((messages: readonly ChatMessage[]) => number) | undefined;
  if (tokenizer !== undefined) {
    const counter = await loadCounter(tokenizer);
    const chatTemplate = tokenizerConfig === undefined ? undefined : await loadTokenizerConfig(tokenizerConfig);
    countTokens = (messages) => countChatTokens(messages, counter, chatTemplate === undefined ? {} : { chatTemplate });
  }

  const readReport = createSkipReport();
  const streamReport = createSkipReport();
  const counts = { records: 0, trajectories: 0 };
  const trajectories = convert(readRecords(input, { onError, report: readReport }), format, input, onError, readReport, counts, agent);
  const prompts = stepPromptStream(trajectories, {
    template,
    ...(parse === undefined ? {} : { parse }),
    onError,
    report: streamReport,
    source: input,
    ...(history === undefined ? {} : { history }),
    ...(maxPromptTokens === undefined ? {} : { maxPromptTokens }),
    ...(countTokens === undefined ? {} : { countTokens }),
  });
  const progress = createProgress('prompts');
  const budget = { prompts: 0, steps: 0 };
  // Ctrl-C (or SIGTERM) removes the unfinished output and exits with 130 (143).
  const state = { output, written: false };
  const release = onInterrupt('prompts', state, () => progress.stop());
  let result: Awaited<ReturnType<typeof writeDataset>>;
  try {
    result = await writeDataset(counted(prompts, progress.increment, budget), output, { layout, includeMeta });
    state.written = true;
  } finally {
    progress.stop();
    release();
  }
  const built = counts.trajectories - streamReport.skipped;
  const budgetLine =
    maxPromptTokens === undefined
      ? []
      : [`  token budget ${maxPromptTokens}: history cut in ${budget.prompts} prompt${budget.prompts === 1 ? '' : 's'} (${budget.steps} step${budget.steps === 1 ? '' : 's'} dropped)`];
  printSummary(input, output, counts.records, built, result.rows, [readReport, streamReport], `${result.format}, ${result.layout}`, budgetLine);
}

/** The token counter of `--tokenizer <file>`; a bad file is an error naming the option and the file. */
async function loadCounter(path: string): Promise<TokenCounter> {
  const text = await readFile(path, 'utf8');
  try {
    return await createTokenCounter(text);
  } catch (error) {
    if (!(error instanceof TrajectoryError)) throw error;
    // The io module names it "tokenizer.json"; say which file and option.
    throw new CliError(`option --tokenizer ${path}: expected ${error.expected}, found ${error.found}`);
  }
}

/** The parsed `--tokenizer-config <file>`: a JSON object, or an error naming the option and the file. */
async function loadTokenizerConfig(path: string): Promise<TokenizerConfig> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`option --tokenizer-config ${path}: expected valid JSON (tokenizer_config.json), found a syntax error: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(`option --tokenizer-config ${path}: expected a JSON object (tokenizer_config.json), found ${foundValue(value)}`);
  }
  return value as TokenizerConfig;
}

async function* convert(
  records: AsyncIterable<unknown>,
  format: InputFormat,
  input: string,
  onError: OnError,
  report: SkipReport,
  counts: { records: number; trajectories: number },
  agent: AgentRecordOptions,
): AsyncGenerator<unknown, void, undefined> {
  for await (const record of records) {
    counts.records++;
    const source = `${input} record ${counts.records}`;
    let trajectory: unknown;
    try {
      trajectory = toTrajectory(record, format, source, agent);
      assertTrajectory(trajectory, { source });
    } catch (error) {
      handleRecordError(error, onError, report);
      continue;
    }
    counts.trajectories++;
    yield trajectory;
  }
}

/** Passes prompts through, ticking the progress and counting the history the token budget dropped (`meta.srl.droppedByBudget`). */
async function* counted(
  prompts: AsyncIterable<StepPrompt>,
  tick: () => void,
  budget: { prompts: number; steps: number },
): AsyncGenerator<StepPrompt, void, undefined> {
  for await (const p of prompts) {
    tick();
    const dropped = (p.meta['srl'] as { droppedByBudget?: unknown } | undefined)?.droppedByBudget;
    if (typeof dropped === 'number' && dropped > 0) {
      budget.prompts++;
      budget.steps += dropped;
    }
    yield p;
  }
}

function printSummary(
  input: string,
  output: string,
  records: number,
  trajectories: number,
  prompts: number,
  reports: readonly SkipReport[],
  what: string,
  extra: readonly string[],
): void {
  const skipped = reports.reduce((n, r) => n + r.skipped, 0);
  const lines = [
    `srl prompts: ${input} -> ${output} (${what})`,
    `  records: ${records}, trajectories: ${trajectories}, prompts: ${prompts}, skipped: ${skipped}`,
    ...extra,
  ];
  const errors = reports.flatMap((r) => r.errors);
  for (const e of errors.slice(0, 10)) lines.push(`  skipped: ${e.message.replace(/\s*\n\s*/g, ' ')}`);
  if (skipped > errors.slice(0, 10).length) lines.push(`  ... and ${skipped - Math.min(errors.length, 10)} more`);
  process.stderr.write(`${lines.join('\n')}\n`);
}
