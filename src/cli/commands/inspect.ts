import { createSkipReport } from '../../trajectory/error-policy.js';
import { parseCommandArgs, positionalArgs } from '../args.js';
import { histogram } from '../histogram.js';
import { checkInputFile } from '../paths.js';
import { isParquetPath, openParquet } from '../read-parquet.js';
import { readRecords } from '../read-records.js';
import { detectFormat, toTrajectory } from '../to-trajectory.js';

/** `srl inspect --help`. */
export const INSPECT_HELP = `Usage: srl inspect <file>

Counts and ASCII length histograms (in characters) of a file of trajectories
(any input of srl prompts: steps per trajectory, step lengths) or of prompt
rows (TRL or verl datasets from srl prompts: prompt and target lengths).
The kind is told from the first record.

Input: JSON Lines (.jsonl, .ndjson), a JSON array or one JSON object, any of
them gzipped (.gz); or Parquet (.parquet), read one row group at a time.

Options:
  -h, --help          show this help

Example:
  srl inspect examples/data/math-solutions.jsonl
  srl inspect train.parquet
`;

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The prompt text length and target of a TRL (`prompt`, `target`) or verl (`prompt`, `reward_model.ground_truth`) row. */
function promptRow(value: unknown): { promptChars: number; target: string } | undefined {
  if (!isRecord(value) || !Array.isArray(value['prompt'])) return undefined;
  const rm = value['reward_model'];
  const target = typeof value['target'] === 'string' ? value['target'] : isRecord(rm) && typeof rm['ground_truth'] === 'string' ? rm['ground_truth'] : undefined;
  if (target === undefined) return undefined;
  let promptChars = 0;
  for (const m of value['prompt']) if (isRecord(m) && typeof m['content'] === 'string') promptChars += m['content'].length;
  return { promptChars, target };
}

/**
 * `srl inspect`: counts and histograms on stdout. JSON inputs are read with
 * unreadable records counted; a Parquet file (`.parquet`) is read one row group at
 * a time, and one that is not Parquet is an error naming the file.
 *
 * @param argv - The arguments after `inspect`.
 * @example
 * ```ts
 * await inspectCommand(['train.parquet']);
 * // stdout: train.parquet: 7 records, prompts (Parquet: 1 row group, columns prompt, target, ...)
 * //         prompts: 7, trajectories: 3
 * //         prompt length (chars): n=7 ...
 * ```
 */
export async function inspectCommand(argv: readonly string[]): Promise<void> {
  const args = parseCommandArgs(argv, {});
  if (args.values['help'] === true) {
    process.stdout.write(INSPECT_HELP);
    return;
  }
  const [file] = positionalArgs(args, ['file']) as [string];
  await checkInputFile(file);
  const report = createSkipReport();
  let kind: 'trajectories' | 'prompts' | undefined;
  let records = 0;
  const formats = new Map<string, number>();
  const stepsPer: number[] = [];
  const stepChars: number[] = [];
  const promptChars: number[] = [];
  const targetChars: number[] = [];
  const trajectoryIds = new Set<string>();
  let parquetNote = '';
  let rows: AsyncIterable<unknown>;
  if (isParquetPath(file)) {
    const parquet = await openParquet(file);
    const groups = parquet.rowGroups.length;
    parquetNote = ` (Parquet: ${groups} row group${groups === 1 ? '' : 's'}, columns ${parquet.columns.join(', ')})`;
    rows = parquet.records();
  } else {
    rows = readRecords(file, { onError: 'skip', report });
  }
  for await (const record of rows) {
    records++;
    const source = `${file} record ${records}`;
    kind ??= promptRow(record) !== undefined ? 'prompts' : 'trajectories';
    if (kind === 'prompts') {
      const row = promptRow(record);
      if (row === undefined) {
        report.skipped++;
        continue;
      }
      promptChars.push(row.promptChars);
      targetChars.push(row.target.length);
      const id = isRecord(record) ? trajectoryIdOf(record) : undefined;
      if (id !== undefined) trajectoryIds.add(id);
      continue;
    }
    try {
      const format = detectFormat(record) ?? 'unknown';
      const t = toTrajectory(record, 'auto', source) as { steps?: unknown };
      if (!Array.isArray(t.steps)) throw new Error('no steps');
      formats.set(format, (formats.get(format) ?? 0) + 1);
      stepsPer.push(t.steps.length);
      for (const s of t.steps) if (isRecord(s) && typeof s['action'] === 'string') stepChars.push(s['action'].length);
    } catch {
      report.skipped++;
    }
  }
  const out: string[] = [`${file}: ${records} records, ${kind ?? 'nothing'}${report.skipped > 0 ? `, ${report.skipped} unreadable` : ''}${parquetNote}`];
  if (kind === 'prompts') {
    out.push(`prompts: ${promptChars.length}${trajectoryIds.size > 0 ? `, trajectories: ${trajectoryIds.size}` : ''}`);
    out.push(histogram('prompt length (chars)', promptChars));
    out.push(histogram('target length (chars)', targetChars));
  } else if (kind === 'trajectories') {
    const fmt = [...formats].map(([f, n]) => `${f} ${n}`).join(', ');
    out.push(`trajectories: ${stepsPer.length}, steps: ${stepChars.length}${fmt === '' ? '' : ` (formats: ${fmt})`}`);
    out.push(histogram('steps per trajectory', stepsPer));
    out.push(histogram('step action length (chars)', stepChars));
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function trajectoryIdOf(row: Rec): string | undefined {
  if (typeof row['trajectory_id'] === 'string') return row['trajectory_id'];
  const extra = row['extra_info'];
  if (isRecord(extra) && typeof extra['trajectory_id'] === 'string') return extra['trajectory_id'];
  return undefined;
}
