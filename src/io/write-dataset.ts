import { assertIntegerInRange, assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import type { StepPrompt } from '../prompts/types.js';
import { toTrlRow, trlParquetSchema } from './to-trl-row.js';
import { toVerlRow, verlParquetSchema } from './to-verl-row.js';
import { writeJsonl } from './write-jsonl.js';
import { writeParquet } from './write-parquet.js';

const FN = 'writeDataset';

/** The trainers whose dataset format `writeDataset` writes. */
export type DatasetLayout = 'trl' | 'verl';

/** The file formats `writeDataset` writes. */
export type DatasetFormat = 'jsonl' | 'parquet';

/** Options of {@link writeDataset}. */
export interface WriteDatasetOptions {
  /** `'trl'` ({@link toTrlRow}) or `'verl'` ({@link toVerlRow}). */
  readonly layout: DatasetLayout;
  /**
   * `'jsonl'` or `'parquet'`. Default: from the path, `.parquet` for Parquet, `.jsonl`,
   * `.jsonl.gz`, `.ndjson` (optionally `.gz`) for JSON Lines.
   */
  readonly format?: DatasetFormat | undefined;
  /** Add the prompts' meta as a JSON string (`meta` column for TRL, `extra_info.meta` for verl). */
  readonly includeMeta?: boolean | undefined;
  /** verl's `data_source` (default `'srl'`). */
  readonly dataSource?: string | undefined;
  /** verl's `ability` (default `'srl'`). */
  readonly ability?: string | undefined;
  /** verl's `extra_info.split` (default: none). */
  readonly split?: string | undefined;
  /** verl's `extra_info.index` of the first row (default 0): rows are numbered from it. */
  readonly startIndex?: number | undefined;
  /** Parquet: the most rows per row group (default 10,000). */
  readonly rowGroupSize?: number | undefined;
  /** Parquet: the most characters of text per row group (default 8,000,000). */
  readonly rowGroupChars?: number | undefined;
  /** Gzip JSON Lines. Default: when the path ends in `.gz`. */
  readonly gzip?: boolean | undefined;
  /**
   * Write a temporary file beside the path and rename it into place only when the
   * dataset is complete (default `true`; see `writeJsonl` and `writeParquet`). `false`
   * writes the path itself as it grows.
   */
  readonly atomic?: boolean | undefined;
}

const OPTION_KEYS = [
  'layout',
  'format',
  'includeMeta',
  'dataSource',
  'ability',
  'split',
  'startIndex',
  'rowGroupSize',
  'rowGroupChars',
  'gzip',
  'atomic',
] as const satisfies readonly (keyof WriteDatasetOptions)[];

/** What {@link writeDataset} wrote. */
export interface WriteDatasetResult {
  /** Rows written: one per prompt. */
  readonly rows: number;
  /** The format written. */
  readonly format: DatasetFormat;
  /** The layout written. */
  readonly layout: DatasetLayout;
  /** Bytes of JSON Lines written before any gzip (JSON Lines only). */
  readonly bytes?: number;
  /** Row groups written (Parquet only). */
  readonly rowGroups?: number;
}

/**
 * Writes step prompts as a training dataset file for TRL or verl, streaming: prompts
 * are pulled one at a time (e.g. from `stepPromptStream`), turned into rows with
 * {@link toTrlRow} or {@link toVerlRow}, and written as JSON Lines or Parquet with
 * the layout's fixed schema ({@link trlParquetSchema}, {@link verlParquetSchema}), in
 * flat memory.
 *
 * - TRL: `load_dataset('json' | 'parquet', data_files=path)` gives a conversational
 *   prompt-only dataset for `GRPOTrainer`; reward functions get `target` as a keyword argument.
 * - verl: point `data.train_files` at the Parquet file; the reward function gets the
 *   target as `ground_truth`.
 *
 * @param prompts - The step prompts, any iterable or async iterable.
 * The file is written atomically (unless `atomic: false`): a temporary file beside
 * `path` is renamed onto it once the last row is written, so `path` never holds part
 * of a dataset; if writing fails, `path` keeps what it held.
 *
 * @param path - The file to write (replaced when complete; left as it was if writing fails).
 * @param options - The layout, the format, and the layout's options.
 * @returns What was written.
 * @throws TypeError when the format cannot be told from the path, or for a bad prompt or option (or an unknown one).
 * @example
 * ```ts
 * import { readJsonl, writeDataset } from 'srl-kit/io';
 * import { stepPromptStream } from 'srl-kit';
 * const prompts = stepPromptStream(readJsonl('trajectories.jsonl'));
 * await writeDataset(prompts, 'train.parquet', { layout: 'verl', split: 'train' });
 * //=> { rows: 1000000, format: 'parquet', layout: 'verl', rowGroups: 100 }
 * ```
 */
export async function writeDataset(
  prompts: Iterable<StepPrompt> | AsyncIterable<StepPrompt>,
  path: string,
  options: WriteDatasetOptions,
): Promise<WriteDatasetResult> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${FN}: argument 'path' must be a file path, got ${describeType(path)}`);
  if (options === undefined) throw new TypeError(`${FN}: argument 'options' with a 'layout' is required`);
  assertOptions(options, FN);
  assertKnownKeys(options, OPTION_KEYS, FN);
  if (prompts === null || typeof prompts !== 'object' || !(Symbol.iterator in prompts || Symbol.asyncIterator in prompts)) {
    throw new TypeError(`${FN}: argument 'prompts' must be an iterable or async iterable, got ${describeType(prompts)}`);
  }
  const { layout, includeMeta, dataSource, ability, split, startIndex = 0, rowGroupSize, rowGroupChars, gzip, atomic } = options;
  if (layout !== 'trl' && layout !== 'verl') {
    throw new TypeError(`${FN}: option 'layout' must be 'trl' or 'verl', got ${JSON.stringify(layout)}`);
  }
  assertIntegerInRange(startIndex, 0, Number.MAX_SAFE_INTEGER, FN, 'startIndex');
  const format = options.format ?? formatOf(path);
  const rows =
    layout === 'trl'
      ? mapRows(prompts, (p) => toTrlRow(p, { includeMeta }))
      : mapRows(prompts, (p, i) => toVerlRow(p, { dataSource, ability, split, includeMeta, index: startIndex + i }));
  if (format === 'parquet') {
    const schema = layout === 'trl' ? trlParquetSchema({ includeMeta }) : verlParquetSchema({ includeMeta });
    const written = await writeParquet(rows, path, { schema, rowGroupSize, rowGroupChars, atomic });
    return { rows: written.rows, format, layout, rowGroups: written.rowGroups };
  }
  if (format !== 'jsonl') throw new TypeError(`${FN}: option 'format' must be 'jsonl' or 'parquet', got ${JSON.stringify(format)}`);
  const written = await writeJsonl(rows, path, { gzip, atomic });
  return { rows: written.rows, format, layout, bytes: written.bytes };
}

/** The format a path's extension names. */
function formatOf(path: string): DatasetFormat {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(jsonl|ndjson)(\.gz)?$/i.test(path)) return 'jsonl';
  throw new TypeError(`${FN}: cannot tell the format of '${path}' from its extension; pass format: 'jsonl' or 'parquet'`);
}

async function* mapRows<T>(
  prompts: Iterable<StepPrompt> | AsyncIterable<StepPrompt>,
  toRow: (prompt: StepPrompt, index: number) => T,
): AsyncGenerator<T, void, undefined> {
  let index = 0;
  for await (const prompt of prompts) yield toRow(prompt, index++);
}
