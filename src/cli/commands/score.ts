import { readJsonl } from '../../io/read-jsonl.js';
import { writeJsonl } from '../../io/write-jsonl.js';
import { createScorePool } from '../../pool/index.js';
import type { ScoreItem, ScorePool } from '../../pool/index.js';
import type { StepRewardOptions } from '../../reward/step-scorer.js';
import { TrajectoryError, foundValue } from '../../trajectory/trajectory-error.js';
import { choiceValue, integerValue, parseCommandArgs, positionalArgs, stringValue } from '../args.js';
import { createProgress } from '../progress.js';

/** `srl score --help`. */
export const SCORE_HELP = `Usage: srl score <rollouts.jsonl> [-o out.jsonl] [options]

Adds the SRL step reward to each row of a JSON Lines file (optionally .gz):
reward (the similarity of the output's action to the target, or -1 when the
output does not follow the <think>...</think> format), format_ok and
format_reason (null when ok). When the output field holds an array of
outputs, the three fields are arrays too. Rows stream through in chunks.

Options:
  -o, --output <file>       where to write (.jsonl or .jsonl.gz)           [stdout]
  --metric <m>              difflib|lcs                                    [difflib]
  --granularity <g>         char|word                                      [char]
  --workers <N>             worker threads; 0 scores in this thread  [CPU count]
  --output-field <name>     the field with the model output                [output]
  --target-field <name>     the field with the expert step                 [target]
  --chunk-size <N>          rows scored per chunk                          [1024]
  -h, --help                show this help

Example:
  srl score examples/data/demo-steps.jsonl --output-field outputs --target-field expert_step
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  metric: { type: 'string' },
  granularity: { type: 'string' },
  workers: { type: 'string' },
  'output-field': { type: 'string' },
  'target-field': { type: 'string' },
  'chunk-size': { type: 'string' },
} as const;

type Row = Record<string, unknown>;

/**
 * `srl score`: rewards for rollouts, streamed in chunks through a worker pool.
 * @param argv - The arguments after `score`.
 */
export async function scoreCommand(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs(argv, OPTIONS);
  if (args.values['help'] === true) {
    process.stdout.write(SCORE_HELP);
    return;
  }
  const [input] = positionalArgs(args, ['rollouts.jsonl']) as [string];
  const output = stringValue(args, 'output');
  const metric = choiceValue(args, 'metric', ['difflib', 'lcs'] as const, 'difflib');
  const granularity = choiceValue(args, 'granularity', ['char', 'word'] as const, 'char');
  const workers = integerValue(args, 'workers', 0, 256);
  const chunkSize = integerValue(args, 'chunk-size', 1) ?? 1024;
  const outputField = stringValue(args, 'output-field') ?? 'output';
  const targetField = stringValue(args, 'target-field') ?? 'target';
  const options: StepRewardOptions = { metric, granularity };

  const pool = createScorePool(workers === undefined ? {} : { workers });
  const progress = createProgress('rows');
  const stats = { rows: 0, scored: 0, formatErrors: 0, rewardSum: 0 };
  try {
    const rows = scoredRows(readJsonl(input, { source: input }), pool, {
      input,
      chunkSize,
      outputField,
      targetField,
      options,
      stats,
      tick: (n) => progress.increment(n),
    });
    await writeJsonl(rows, output ?? process.stdout, output === undefined ? { end: false } : {});
  } finally {
    progress.stop();
    await pool.close();
  }
  const mean = stats.scored === 0 ? 0 : stats.rewardSum / stats.scored;
  process.stderr.write(
    `srl score: ${stats.rows} rows, ${stats.scored} outputs scored, mean reward ${mean.toFixed(4)}, format errors ${stats.formatErrors}\n`,
  );
}

interface ScoreContext {
  readonly input: string;
  readonly chunkSize: number;
  readonly outputField: string;
  readonly targetField: string;
  readonly options: StepRewardOptions;
  readonly stats: { rows: number; scored: number; formatErrors: number; rewardSum: number };
  readonly tick: (n: number) => void;
}

async function* scoredRows(rows: AsyncIterable<unknown>, pool: ScorePool, ctx: ScoreContext): AsyncGenerator<Row, void, undefined> {
  let chunk: Row[] = [];
  for await (const row of rows) {
    const line = ctx.stats.rows + 1;
    ctx.stats.rows++;
    chunk.push(checkRow(row, line, ctx));
    if (chunk.length >= ctx.chunkSize) {
      yield* await scoreChunk(chunk, pool, ctx);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield* await scoreChunk(chunk, pool, ctx);
}

/** Checks a row has a string (or string array) output and a string target. */
function checkRow(row: unknown, index: number, ctx: ScoreContext): Row {
  const at = { source: ctx.input, path: `row ${index}` };
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new TrajectoryError({ ...at, expected: 'a JSON object', found: foundValue(row) });
  }
  const r = row as Row;
  const out = r[ctx.outputField];
  if (typeof out !== 'string' && !(Array.isArray(out) && out.every((o) => typeof o === 'string'))) {
    throw new TrajectoryError({ ...at, path: `row ${index}, $.${ctx.outputField}`, expected: 'a string or an array of strings', found: foundValue(out) });
  }
  const target = r[ctx.targetField];
  if (typeof target !== 'string' || target === '') {
    throw new TrajectoryError({ ...at, path: `row ${index}, $.${ctx.targetField}`, expected: 'a non-empty string', found: foundValue(target) });
  }
  return r;
}

async function scoreChunk(chunk: readonly Row[], pool: ScorePool, ctx: ScoreContext): Promise<Row[]> {
  const items: ScoreItem[] = [];
  for (const row of chunk) {
    const out = row[ctx.outputField] as string | string[];
    const target = row[ctx.targetField] as string;
    for (const o of typeof out === 'string' ? [out] : out) items.push({ output: o, target, options: ctx.options });
  }
  const results = await pool.score(items);
  let k = 0;
  const scored = chunk.map((row) => {
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
    return typeof out === 'string'
      ? { ...row, reward: reward[0], format_ok: ok[0], format_reason: reason[0] }
      : { ...row, reward, format_ok: ok, format_reason: reason };
  });
  ctx.tick(chunk.length);
  return scored;
}
