import { readFile } from 'node:fs/promises';
import { writeDataset } from '../../io/write-dataset.js';
import { stepPromptStream } from '../../prompts/step-prompt-stream.js';
import { countChatTokens, createTokenCounter } from '../../prompts/token-counter.js';
import type { TokenizerConfig } from '../../prompts/render-chat-template.js';
import type { StepPrompt } from '../../prompts/types.js';
import { createSkipReport, handleRecordError, type OnError, type SkipReport } from '../../trajectory/error-policy.js';
import type { ChatMessage } from '../../trajectory/types.js';
import { assertTrajectory } from '../../trajectory/validate-trajectory.js';
import { choiceValue, integerValue, parseCommandArgs, positionalArgs, stringValue } from '../args.js';
import { CliError } from '../errors.js';
import { createProgress } from '../progress.js';
import { readRecords } from '../read-records.js';
import { INPUT_FORMATS, toTrajectory, type InputFormat } from '../to-trajectory.js';

/** `srl prompts --help`. */
export const PROMPTS_HELP = `Usage: srl prompts <input> -o <output> [options]

Turns expert trajectories into SRL step prompts (one per step), written as a
TRL or verl dataset: JSON Lines (.jsonl, .jsonl.gz) or Parquet (.parquet).

Input: JSON Lines (.jsonl, .ndjson), a JSON array, or one JSON object (a
SWE-agent .traj file); any of them gzipped (.gz).

Options:
  -o, --output <file>         output file (.jsonl, .jsonl.gz or .parquet)       [required]
  --format <f>                auto|numbered|openai|anthropic|sweagent|mini-swe-agent  [auto]
  --template <t>              math|agent|auto                                   [auto]
  --history <N>               previous expert steps shown (default: all for math, 2 for agent)
  --max-prompt-tokens <N>     drop the oldest history steps until a prompt fits (needs --tokenizer)
  --tokenizer <file>          the model's tokenizer.json
  --tokenizer-config <file>   its tokenizer_config.json: exact counts with the chat template
  --layout <l>                trl|verl                                          [trl]
  --on-error <p>              throw|skip: stop at, or skip and count, bad records  [throw]
  -h, --help                  show this help

Formats (--format auto detects each record): {task, steps} trajectories pass
through; {problem|question|task, solution} is a numbered solution; {question,
answer with "####"} is GSM8K; {trajectory: [...]} is SWE-agent; chat messages
(an array or {messages}) are mini-swe-agent (mswea_bash_command blocks),
Anthropic (tool_use blocks) or OpenAI.

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
} as const;

/**
 * `srl prompts`: trajectories in, a step-prompt dataset out, a summary on stderr.
 * @param argv - The arguments after `prompts`.
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
  if (!/\.(parquet|jsonl|ndjson)(\.gz)?$/i.test(output) || /\.parquet\.gz$/i.test(output)) {
    throw new CliError(`cannot tell the output format of ${output}: use .jsonl, .jsonl.gz or .parquet`, 2);
  }
  const format = choiceValue<InputFormat>(args, 'format', INPUT_FORMATS, 'auto');
  const template = choiceValue(args, 'template', ['auto', 'math', 'agent'] as const, 'auto');
  const layout = choiceValue(args, 'layout', ['trl', 'verl'] as const, 'trl');
  const onError = choiceValue<OnError>(args, 'on-error', ['throw', 'skip'], 'throw');
  const history = integerValue(args, 'history', 0);
  const maxPromptTokens = integerValue(args, 'max-prompt-tokens', 1);
  const tokenizer = stringValue(args, 'tokenizer');
  const tokenizerConfig = stringValue(args, 'tokenizer-config');
  if (maxPromptTokens !== undefined && tokenizer === undefined) {
    throw new CliError('option --max-prompt-tokens needs --tokenizer <tokenizer.json>', 2);
  }
  let countTokens: ((messages: readonly ChatMessage[]) => number) | undefined;
  if (tokenizer !== undefined) {
    const counter = await createTokenCounter(await readFile(tokenizer, 'utf8'));
    const chatTemplate = tokenizerConfig === undefined ? undefined : (JSON.parse(await readFile(tokenizerConfig, 'utf8')) as TokenizerConfig);
    countTokens = (messages) => countChatTokens(messages, counter, chatTemplate === undefined ? {} : { chatTemplate });
  }

  const readReport = createSkipReport();
  const streamReport = createSkipReport();
  const counts = { records: 0, trajectories: 0 };
  const trajectories = convert(readRecords(input, { onError, report: readReport }), format, input, onError, readReport, counts);
  const prompts = stepPromptStream(trajectories, {
    template,
    onError,
    report: streamReport,
    source: input,
    ...(history === undefined ? {} : { history }),
    ...(maxPromptTokens === undefined ? {} : { maxPromptTokens }),
    ...(countTokens === undefined ? {} : { countTokens }),
  });
  const progress = createProgress('prompts');
  const result = await writeDataset(counted(prompts, progress.increment), output, { layout });
  progress.stop();
  const built = counts.trajectories - streamReport.skipped;
  printSummary(input, output, counts.records, built, result.rows, [readReport, streamReport], `${result.format}, ${result.layout}`);
}

async function* convert(
  records: AsyncIterable<unknown>,
  format: InputFormat,
  input: string,
  onError: OnError,
  report: SkipReport,
  counts: { records: number; trajectories: number },
): AsyncGenerator<unknown, void, undefined> {
  for await (const record of records) {
    counts.records++;
    const source = `${input} record ${counts.records}`;
    let trajectory: unknown;
    try {
      trajectory = toTrajectory(record, format, source);
      assertTrajectory(trajectory, { source });
    } catch (error) {
      handleRecordError(error, onError, report);
      continue;
    }
    counts.trajectories++;
    yield trajectory;
  }
}

async function* counted(prompts: AsyncIterable<StepPrompt>, tick: () => void): AsyncGenerator<StepPrompt, void, undefined> {
  for await (const p of prompts) {
    tick();
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
): void {
  const skipped = reports.reduce((n, r) => n + r.skipped, 0);
  const lines = [
    `srl prompts: ${input} -> ${output} (${what})`,
    `  records: ${records}, trajectories: ${trajectories}, prompts: ${prompts}, skipped: ${skipped}`,
  ];
  const errors = reports.flatMap((r) => r.errors);
  for (const e of errors.slice(0, 10)) lines.push(`  skipped: ${e.message.replace(/\s*\n\s*/g, ' ')}`);
  if (skipped > errors.slice(0, 10).length) lines.push(`  ... and ${skipped - Math.min(errors.length, 10)} more`);
  process.stderr.write(`${lines.join('\n')}\n`);
}
