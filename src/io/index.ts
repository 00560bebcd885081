/**
 * Reading and writing datasets, streaming: trajectories in (JSON Lines, JSON arrays,
 * gzip), training prompts out, as the dataset files TRL's `GRPOTrainer` and verl
 * load (JSON Lines or Parquet), in flat memory for millions of prompts.
 *
 * Import from `srl-kit/io`. This is the Node-only module: it uses `node:fs`,
 * `node:stream`, `node:zlib` (and loads `hyparquet-writer` only when a Parquet file
 * is written). Importing it has no side effects. The other modules run anywhere.
 *
 * @example
 * ```ts
 * import { readJsonl, writeDataset } from 'srl-kit/io';
 * import { stepPromptStream, createSkipReport } from 'srl-kit';
 * const report = createSkipReport();
 * const trajectories = readJsonl('trajectories.jsonl.gz', { onError: 'skip', report });
 * await writeDataset(stepPromptStream(trajectories), 'train.parquet', { layout: 'trl' });
 * ```
 *
 * @module io
 */
export type { ReadSource } from './read-source.js';
export type { ReadJsonOptions } from './read-options.js';
export { readJsonl } from './read-jsonl.js';
export type { ReadJsonlOptions } from './read-jsonl.js';
export { readJsonArray } from './read-json-array.js';
export type { ReadJsonArrayOptions } from './read-json-array.js';
export { writeJsonl } from './write-jsonl.js';
export type { WriteJsonlOptions, WriteJsonlResult } from './write-jsonl.js';
export { writeParquet } from './write-parquet.js';
export type { WriteParquetOptions, WriteParquetResult } from './write-parquet.js';
export type { ParquetField, ParquetListType, ParquetSchema, ParquetStructType, ParquetType } from './parquet-schema.js';
export { toTrlRow, trlParquetSchema } from './to-trl-row.js';
export type { TrlRow, TrlRowOptions } from './to-trl-row.js';
export { toVerlRow, verlParquetSchema } from './to-verl-row.js';
export type { VerlExtraInfo, VerlRewardModel, VerlRow, VerlRowOptions } from './to-verl-row.js';
export { writeDataset } from './write-dataset.js';
export type { DatasetFormat, DatasetLayout, WriteDatasetOptions, WriteDatasetResult } from './write-dataset.js';
