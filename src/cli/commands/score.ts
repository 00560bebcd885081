import { stat } from 'node:fs/promises';
import { writeJsonl } from '../../io/write-jsonl.js';
import { createScorePool } from '../../pool/index.js';
import type { ScoreItem, ScorePool } from '../../pool/index.js';
import type { StepRewardOptions } from '../../reward/step-scorer.js';
import { pathIndex, pathKey } from '../../trajectory/_json-path.js';
import { TrajectoryError, foundValue } from '../../trajectory/trajectory-error.js';
import { choiceValue, integerValue, parseCommandArgs, positionalArgs, stringValue } from '../args.js';
import { onInterrupt } from '../interrupt.js';
import { parseOptionValue } from '../parse-option.js';
import { checkInputFile, checkOutputPath, outputFormatOf } from '../paths.js';
import { createProgress } from '../progress.js';
import { readNumberedJsonl, type ByteMeter, type NumberedLine } from '../read-lines.js';
import { SCHEMA_SAMPLE_ROWS, writeScoredParquet, type LinedRow } from '../score-parquet.js';

/** `srl score --help`. */
export const SCORE_HELP = `Usage: srl score <rollouts.jsonl> [-o scored.jsonl|scored.parquet] [options]

Adds the SRL step reward to each row of a JSON Lines file (optionally .gz):
reward (the similarity of the output's action to the target, or -1 when the
output does not follow the <think>...</think> format), format_ok and
format_reason (null when ok). When the output field holds an array of
outputs, the three fields are arrays too. Rows stream through in chunks.

A malformed row (a line that is not JSON, not an object, an output that is not
a string or an array of strings, a target that is not a non-empty string)
stops the run with one line naming its line number and what was expected
(--on-error throw), or is left out of the output and counted in the summary
with its line number (--on-error skip, exit code 0).

The output is written to a temporary file beside it and renamed into place
when complete: an interrupted or failed run leaves the -o path as it was.
Parquet columns come from the first ${SCHEMA_SAMPLE_ROWS} rows (a later row whose types differ
is an error).

Options:
  -o, --output <file>       .jsonl, .jsonl.gz, .parquet, or - for stdout   [stdout]
  --metric <m>              difflib|lcs                                    [difflib]
  --granularity <g>         char|word                                      [char]
  --parse <json>            step-format rules (parseStepOutput's options), e.g.
                            '{"implicitOpen":true}' or '{"unwrapAction":"mini-swe-agent"}'
  --workers <N>             worker threads; 0 scores in this thread        [CPU count]
  --output-field <name>     the field with the model output                [output]
  --target-field <name>     the field with the expert step                 [target]
  --chunk-size <N>          rows scored per chunk                          [1024]
  --on-error <p>            throw|skip: stop at, or leave out and count,
                            malformed rows                                 [throw]
  -h, --help                show this help

Example:
  srl score examples/data/demo-steps.jsonl --output-field outputs --target-field expert_step
  srl score rollouts.jsonl -o scored.jsonl --on-error skip
  srl score rollouts.jsonl -o scored.parquet
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  metric: { type: 'string' },
  granularity: { type: 'string' },
  parse: { type: 'string' },
  workers: { type: 'string' },
  'output-field': { type: 'string' },
  'target-field': { type: 'string' },
  'chunk-size': { type: 'string' },
  'on-error': { type: 'string' },
} as const;

/** How many skipped rows the summary describes one by one (their line numbers and errors). */
const SHOWN_SKIPS = 10;

type Row = Record<string, unknown>;

/**
 * `srl score`: rewards for rollouts, streamed in chunks through a worker pool.
 * Malformed rows stop the run (`--on-error throw`) or are left out and counted
 * (`--on-error skip`); the summary goes to stderr. `-o` writes JSON Lines or Parquet
 * (by extension; `-` or none is stdout), whole or not at all: an error or a signal
 * (exit code 128 + its number) leaves the path as it was. An `-o` that is the input is
 * refused (exit code 2).
 *
 * @param argv - The arguments after `score`.
 * @example
 * ```ts
 * await scoreCommand(['rollouts.jsonl', '-o', 'scored.jsonl', '--on-error', 'skip']);
 * // stderr: srl score: 98 rows, 98 outputs scored, mean reward 0.4121, format errors 7, skipped 2 malformed rows (lines 14, 60)
 * ```
 */
export async function scoreCommand(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs(argv, OPTIONS);
  if (args.values['help'] === true) {
    process.stdout.write(SCORE_HELP);
    return;
  }
  const [input] = positionalArgs(args, ['rollouts.jsonl']) as [string];
  const given = stringValue(args, 'output');
  const output = given === '-' ? undefined : given;
  const format = output === undefined ? 'jsonl' : outputFormatOf(output, '.jsonl, .jsonl.gz, .parquet or - (stdout)');
  const metric = choiceValue(args, 'metric', ['difflib', 'lcs'] as const, 'difflib');
  const granularity = choiceValue(args, 'granularity', ['char', 'word'] as const, 'char');
  const workers = integerValue(args, 'workers', 0, 256);
  const chunkSize = integerValue(args, 'chunk-size', 1) ?? 1024;
  const outputField = stringValue(args, 'output-field') ?? 'output';
  const targetField = stringValue(args, 'target-field') ?? 'target';
  const onError = choiceValue(args, 'on-error', ['throw', 'skip'] as const, 'throw');
  const parse = parseOptionValue(stringValue(args, 'parse'));
  const options: StepRewardOptions = { metric, granularity, ...(parse === undefined ? {} : { parse }) };
  await checkInputFile(input);
  if (output !== undefined) await checkOutputPath(output, [input]);

  // The input's size: the bar's total, in bytes read (compressed bytes for .gz).
  const size = (await stat(input)).size;
  const progress = createProgress('rows', { total: size });
  // Ctrl-C (or SIGTERM) removes the unfinished output and exits with 130 (143).
  const state = { output, written: false };
  const release = onInterrupt('score', state, () => progress.stop());
  const pool = createScorePool(workers === undefined ? {} : { workers });
  const meter: ByteMeter = { bytes: 0 };
  const stats: ScoreStats = { rows: 0, scored: 0, formatErrors: 0, rewardSum: 0, skipped: 0, skips: [] };
  try {
    const rows = scoredRows(readNumberedJsonl(input, meter), pool, {
      input,
      chunkSize,
      outputField,
      targetField,
      onError,
      options,
      stats,
      tick: (n) => {
        progress.increment(n);
        progress.advance(meter.bytes);
      },
    });
    if (format === 'parquet' && output !== undefined) {
      await writeScoredParquet(rows, output, input, { outputField, targetField });
    } else {
      await writeJsonl(justRows(rows), output ?? process.stdout, output === undefined ? { end: false } : {});
    }
    state.written = true;
  } finally {
    progress.stop();
    await pool.close();
    release();
  }
  process.stderr.write(`${summary(stats, onError)}\n`);
}

async function* justRows(rows: AsyncIterable<LinedRow>): AsyncGenerator<Row, void, undefined> {
  for await (const r of rows) yield r.row;
}

interface ScoreStats {
  /** Rows written. */
  rows: number;
  /** Outputs scored. */
  scored: number;
  formatErrors: number;
  rewardSum: number;
  /** Malformed rows left out (`--on-error skip`). */
  skipped: number;
  /** The first {@link SHOWN_SKIPS} of them. */
  readonly skips: TrajectoryError[];
}

interface ScoreContext {
  readonly input: string;
  readonly chunkSize: number;
  readonly outputField: string;
  readonly targetField: string;
  readonly onError: 'throw' | 'skip';
  readonly options: StepRewardOptions;
  readonly stats: ScoreStats;
  readonly tick: (n: number) => void;
}

/** The summary: counts, and with `--on-error skip` the skipped rows' line numbers and first errors. */
function summary(stats: ScoreStats, onError: 'throw' | 'skip'): string {
  const mean = stats.scored === 0 ? 0 : stats.rewardSum / stats.scored;
  let head = `srl score: ${stats.rows} rows, ${stats.scored} outputs scored, mean reward ${mean.toFixed(4)}, format errors ${stats.formatErrors}`;
  if (onError === 'throw') return head;
  head += `, skipped ${stats.skipped} malformed row${stats.skipped === 1 ? '' : 's'}`;
  if (stats.skipped === 0) return head;
  const lines = stats.skips.map((e) => e.line);
  head += ` (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}${stats.skipped > lines.length ? ', ...' : ''})`;
  const details = stats.skips.map((e) => `  skipped: ${e.message.replace(/\s*\n\s*/g, ' ')}`);
  if (stats.skipped > stats.skips.length) details.push(`  ... and ${stats.skipped - stats.skips.length} more`);
  return [head, ...details].join('\n');
}

async function* scoredRows(lines: AsyncIterable<NumberedLine>, pool: ScorePool, ctx: ScoreContext): AsyncGenerator<LinedRow, void, undefined> {
  let chunk: LinedRow[] = [];
  for await (const l of lines) {
    let row: Row;
    try {
      if (!l.ok) throw l.error;
      row = checkRow(l.value, l.line, ctx);
    } catch (error) {
      if (ctx.onError === 'throw' || !(error instanceof TrajectoryError)) throw error;
      ctx.stats.skipped++;
      if (ctx.stats.skips.length < SHOWN_SKIPS) ctx.stats.skips.push(error);
      ctx.tick(0);
      continue;
    }
    chunk.push({ row, line: l.line });
    if (chunk.length >= ctx.chunkSize) {
      yield* await scoreChunk(chunk, pool, ctx);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield* await scoreChunk(chunk, pool, ctx);
}

/**
 * Checks a row is an object with a string (or array of strings) output and a
 * non-empty string target; otherwise a TrajectoryError names the line, the JSON
 * path and what was expected.
 */
function checkRow(row: unknown, line: number, ctx: ScoreContext): Row {
  const at = { source: ctx.input, line };
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new TrajectoryError({ ...at, expected: 'a JSON object', found: foundValue(row) });
  }
  const r = row as Row;
  const outPath = pathKey('$', ctx.outputField);
  const out = r[ctx.outputField];
  if (Array.isArray(out)) {
    const bad = out.findIndex((o) => typeof o !== 'string');
    if (bad !== -1) {
      throw new TrajectoryError({ ...at, path: pathIndex(outPath, bad), expected: 'a string (an output)', found: foundValue(out[bad]) });
    }
  } else if (typeof out !== 'string') {
    throw new TrajectoryError({ ...at, path: outPath, expected: 'a string or an array of strings', found: foundValue(out) });
  }
  const target = r[ctx.targetField];
  if (typeof target !== 'string' || target === '') {
    throw new TrajectoryError({ ...at, path: pathKey('$', ctx.targetField), expected: 'a non-empty string', found: foundValue(target) });
  }
  return r;
}

async function scoreChunk(chunk: readonly LinedRow[], pool: ScorePool, ctx: ScoreContext): Promise<LinedRow[]> {
  const items: ScoreItem[] = [];
  for (const { row } of chunk) {
    const out = row[ctx.outputField] as string | string[];
    const target = row[ctx.targetField] as string;
    for (const o of typeof out === 'string' ? [out] : out) items.push({ output: o, target, options: ctx.options });
  }
  const results = await pool.score(items);
  let k = 0;
  const scored = chunk.map(({ row, line }): LinedRow => {
    const out = row[ctx.outputField] as string | string[];
    const n = typeof out === 'string' ? 1 : out.length;
    const mine = results.slice(k, k + n);
    k += n;
    for (const r of mine) {
      ctx.stats.scored++;
      ctx.stats.rewardSum += r.reward;
      if (!r.ok) ctx.stats.formatErrors++;
    }
    const reward = mine.map((r) => r.reward);
    const ok = mine.map((r) => r.ok);
    const reason = mine.map((r) => r.reason ?? null);
    const scoredRow =
      typeof out === 'string'
        ? { ...row, reward: reward[0], format_ok: ok[0], format_reason: reason[0] }
        : { ...row, reward, format_ok: ok, format_reason: reason };
    return { row: scoredRow, line };
  });
  ctx.stats.rows += chunk.length;
  ctx.tick(chunk.length);
  return scored;
}
