import { assertOptions } from '../_lib/assert.js';
import { assertKnownKeys } from '../_lib/options.js';
import type { StepPrompt } from '../prompts/types.js';
import type { ChatMessage } from '../trajectory/types.js';
import { CHAT_TYPE, chatOf, META_FIELD, metaJson } from './layout-common.js';
import type { ParquetSchema } from './parquet-schema.js';

const FN = 'toTrlRow';

/** Options of {@link toTrlRow} and {@link trlParquetSchema}. */
export interface TrlRowOptions {
  /** Add a `meta` column: the prompt's `meta` as a JSON string (default `false`). */
  readonly includeMeta?: boolean | undefined;
}

const OPTION_KEYS = ['includeMeta'] as const satisfies readonly (keyof TrlRowOptions)[];

/**
 * One row of TRL's conversational prompt-only format, for `GRPOTrainer`: the
 * `prompt` column is the chat, and every other column is passed to reward functions
 * as a keyword argument of the same name (`target`, `step_index`, ...), one value per
 * prompt of the batch.
 */
export interface TrlRow {
  /** The chat to complete: `[{ role: 'system', ... }, { role: 'user', ... }]`. */
  readonly prompt: ChatMessage[];
  /** The expert's step, the reward's reference: `stepReward(completion, target)`. */
  readonly target: string;
  /** 0-based index of the target step. */
  readonly step_index: number;
  /** Number of steps of the trajectory. */
  readonly total_steps: number;
  /** The trajectory's id, or `null`. */
  readonly trajectory_id: string | null;
  /** The prompt's meta as JSON (only with `includeMeta`). */
  readonly meta?: string;
}

/**
 * A step prompt as a row of TRL's conversational prompt-only dataset format:
 * `{ prompt: messages, target, step_index, total_steps, trajectory_id }`. Load the
 * JSONL or Parquet file with `datasets.load_dataset` and pass it to `GRPOTrainer`;
 * a reward function then receives `completions` and, as keyword arguments, the
 * `target` (and the other columns) of each prompt:
 * `def srl_reward(completions, target, **kwargs)`.
 *
 * Messages are written as `{ role, content }` only. The columns are fixed (see
 * {@link trlParquetSchema}), so every row of a file has the same ones.
 *
 * @param prompt - A step prompt from `buildStepPrompts` or `stepPromptStream`.
 * @param options - Whether to add the `meta` column.
 * @returns The row.
 * @throws TypeError when `prompt` is not a step prompt, or for an unknown option.
 * @example
 * ```ts
 * import { toTrlRow } from 'srl-kit/io';
 * toTrlRow({ messages: [{ role: 'user', content: 'Next step?' }], target: 'x = 2', stepIndex: 1, totalSteps: 3, meta: {} });
 * //=> { prompt: [{ role: 'user', content: 'Next step?' }], target: 'x = 2', step_index: 1, total_steps: 3, trajectory_id: null }
 * ```
 */
export function toTrlRow(prompt: StepPrompt, options?: TrlRowOptions): TrlRow {
  assertOptions(options, FN);
  assertKnownKeys(options, OPTION_KEYS, FN);
  const row: TrlRow = {
    prompt: chatOf(prompt, FN),
    target: prompt.target,
    step_index: prompt.stepIndex,
    total_steps: prompt.totalSteps,
    trajectory_id: prompt.trajectoryId ?? null,
  };
  return options?.includeMeta === true ? { ...row, meta: metaJson(prompt) } : row;
}

/**
 * The Parquet schema of {@link toTrlRow}'s rows, in pyarrow's notation:
 *
 * ```
 * prompt: list<element: struct<role: string, content: string>>
 * target: string
 * step_index: int64
 * total_steps: int64
 * trajectory_id: string        (null when the trajectory has no id)
 * meta: string                 (JSON; only with includeMeta)
 * ```
 *
 * All fields are nullable, as pyarrow writes them by default, so the file's schema
 * is the one `Dataset.to_parquet` would write for the same rows.
 *
 * @param options - Whether the rows have the `meta` column.
 * @returns The columns, for `writeParquet`.
 * @example
 * ```ts
 * import { trlParquetSchema, toTrlRow, writeParquet } from 'srl-kit/io';
 * await writeParquet(prompts.map((p) => toTrlRow(p)), 'train.parquet', { schema: trlParquetSchema() });
 * trlParquetSchema().map((f) => f.name); //=> ['prompt', 'target', 'step_index', 'total_steps', 'trajectory_id']
 * ```
 */
export function trlParquetSchema(options?: TrlRowOptions): ParquetSchema {
  assertOptions(options, 'trlParquetSchema');
  assertKnownKeys(options, OPTION_KEYS, 'trlParquetSchema');
  const columns: ParquetSchema = [
    { name: 'prompt', type: CHAT_TYPE },
    { name: 'target', type: 'string' },
    { name: 'step_index', type: 'int64' },
    { name: 'total_steps', type: 'int64' },
    { name: 'trajectory_id', type: 'string' },
  ];
  return options?.includeMeta === true ? [...columns, META_FIELD] : columns;
}
