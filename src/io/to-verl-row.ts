import { assertIntegerInRange, assertOptions } from '../_lib/assert.js';
import { assertKnownKeys } from '../_lib/options.js';
import type { StepPrompt } from '../prompts/types.js';
import type { ChatMessage } from '../trajectory/types.js';
import { CHAT_TYPE, chatOf, META_FIELD, metaJson } from './layout-common.js';
import type { ParquetSchema } from './parquet-schema.js';

const FN = 'toVerlRow';

/** Default `data_source` of verl rows. @internal */
export const DEFAULT_VERL_DATA_SOURCE = 'srl';

/** Default `ability` of verl rows. @internal */
export const DEFAULT_VERL_ABILITY = 'srl';

/** Options of {@link toVerlRow} (and, for `includeMeta`, {@link verlParquetSchema}). */
export interface VerlRowOptions {
  /**
   * The `data_source` column (default `'srl'`): verl hands it to the reward function,
   * which can route on it.
   */
  readonly dataSource?: string | undefined;
  /** The `ability` column, a task category (default `'srl'`). */
  readonly ability?: string | undefined;
  /** `extra_info.index`: the row's position in the dataset (default 0; `writeDataset` counts rows). */
  readonly index?: number | undefined;
  /** `extra_info.split`, e.g. `'train'` or `'test'` (default: none). */
  readonly split?: string | undefined;
  /** Add `extra_info.meta`: the prompt's `meta` as a JSON string (default `false`). */
  readonly includeMeta?: boolean | undefined;
}

const OPTION_KEYS = ['dataSource', 'ability', 'index', 'split', 'includeMeta'] as const satisfies readonly (keyof VerlRowOptions)[];

/** The `extra_info` of a {@link VerlRow}. */
export interface VerlExtraInfo {
  /** The row's position in the dataset. */
  readonly index: number;
  /** 0-based index of the target step. */
  readonly step_index: number;
  /** Number of steps of the trajectory. */
  readonly total_steps: number;
  /** The trajectory's id, or `null`. */
  readonly trajectory_id: string | null;
  /** The split, when given. */
  readonly split?: string;
  /** The prompt's meta as JSON (only with `includeMeta`). */
  readonly meta?: string;
}

/** The `reward_model` of a {@link VerlRow}: a rule-based reward against the expert's step. */
export interface VerlRewardModel {
  /** Always `'rule'`: the reward is computed by a function, not a reward model. */
  readonly style: 'rule';
  /** The expert's step (the prompt's `target`): `compute_score` gets it as `ground_truth`. */
  readonly ground_truth: string;
}

/**
 * One row of verl's RL dataset format (the columns its `examples/data_preprocess`
 * scripts write and its `RLHFDataset` reads).
 */
export interface VerlRow {
  /** The dataset's name: passed to the reward function (`compute_score(data_source, ...)`). */
  readonly data_source: string;
  /** The chat; verl applies the model's chat template to it. */
  readonly prompt: ChatMessage[];
  /** The task category. */
  readonly ability: string;
  /** A rule-based reward whose ground truth is the expert's step. */
  readonly reward_model: VerlRewardModel;
  /** Where the prompt comes from; passed to the reward function as `extra_info`. */
  readonly extra_info: VerlExtraInfo;
}

/**
 * A step prompt as a row of verl's dataset format: `{ data_source, prompt, ability,
 * reward_model: { style: 'rule', ground_truth: target }, extra_info: { index,
 * step_index, total_steps, trajectory_id, split? } }`. verl calls a custom reward
 * function (`custom_reward_function.path` in its config) as
 * `compute_score(data_source, solution_str, ground_truth, extra_info)`, where
 * `ground_truth` is the expert's step: score it with the SRL step reward.
 *
 * Messages are written as `{ role, content }` only. The columns are fixed (see
 * {@link verlParquetSchema}).
 *
 * @param prompt - A step prompt from `buildStepPrompts` or `stepPromptStream`.
 * @param options - `data_source`, `ability`, `extra_info.index`, `extra_info.split`, meta.
 * @returns The row.
 * @throws TypeError when `prompt` is not a step prompt, an option has the wrong type or is unknown.
 * @example
 * ```ts
 * import { toVerlRow } from 'srl-kit/io';
 * const p = { messages: [{ role: 'user', content: 'Next step?' }], target: 'x = 2', stepIndex: 1, totalSteps: 3, trajectoryId: 't7', meta: {} };
 * toVerlRow(p, { index: 41, split: 'train' });
 * //=> { data_source: 'srl', prompt: [{ role: 'user', content: 'Next step?' }], ability: 'srl',
 * //     reward_model: { style: 'rule', ground_truth: 'x = 2' },
 * //     extra_info: { index: 41, step_index: 1, total_steps: 3, trajectory_id: 't7', split: 'train' } }
 * ```
 */
export function toVerlRow(prompt: StepPrompt, options?: VerlRowOptions): VerlRow {
  assertOptions(options, FN);
  assertKnownKeys(options, OPTION_KEYS, FN);
  const { dataSource = DEFAULT_VERL_DATA_SOURCE, ability = DEFAULT_VERL_ABILITY, index = 0, split, includeMeta } = options ?? {};
  assertStringOption(dataSource, 'dataSource');
  assertStringOption(ability, 'ability');
  assertIntegerInRange(index, 0, Number.MAX_SAFE_INTEGER, FN, 'index');
  if (split !== undefined) assertStringOption(split, 'split');
  const prompts = chatOf(prompt, FN);
  let extra: VerlExtraInfo = {
    index,
    step_index: prompt.stepIndex,
    total_steps: prompt.totalSteps,
    trajectory_id: prompt.trajectoryId ?? null,
  };
  if (split !== undefined) extra = { ...extra, split };
  if (includeMeta === true) extra = { ...extra, meta: metaJson(prompt) };
  return {
    data_source: dataSource,
    prompt: prompts,
    ability,
    reward_model: { style: 'rule', ground_truth: prompt.target },
    extra_info: extra,
  };
}

function assertStringOption(value: unknown, name: string): void {
  if (typeof value !== 'string') throw new TypeError(`${FN}: option '${name}' must be a string, got ${typeof value}`);
}

/**
 * The Parquet schema of {@link toVerlRow}'s rows, in pyarrow's notation:
 *
 * ```
 * data_source: string
 * prompt: list<element: struct<role: string, content: string>>
 * ability: string
 * reward_model: struct<style: string, ground_truth: string>
 * extra_info: struct<index: int64, step_index: int64, total_steps: int64,
 *                    trajectory_id: string, split: string, meta: string>
 * ```
 *
 * `extra_info.trajectory_id` and `extra_info.split` are null when absent;
 * `extra_info.meta` (JSON) is there only with `includeMeta`. All fields are
 * nullable, as pyarrow writes them by default.
 *
 * @param options - Whether the rows have `extra_info.meta`.
 * @returns The columns, for `writeParquet`.
 * @example
 * ```ts
 * import { verlParquetSchema } from 'srl-kit/io';
 * verlParquetSchema().map((f) => f.name); //=> ['data_source', 'prompt', 'ability', 'reward_model', 'extra_info']
 * ```
 */
export function verlParquetSchema(options?: Pick<VerlRowOptions, 'includeMeta'>): ParquetSchema {
  assertOptions(options, 'verlParquetSchema');
  assertKnownKeys(options, ['includeMeta'], 'verlParquetSchema');
  return [
    { name: 'data_source', type: 'string' },
    { name: 'prompt', type: CHAT_TYPE },
    { name: 'ability', type: 'string' },
    {
      name: 'reward_model',
      type: {
        struct: [
          { name: 'style', type: 'string' },
          { name: 'ground_truth', type: 'string' },
        ],
      },
    },
    {
      name: 'extra_info',
      type: {
        struct: [
          { name: 'index', type: 'int64' },
          { name: 'step_index', type: 'int64' },
          { name: 'total_steps', type: 'int64' },
          { name: 'trajectory_id', type: 'string' },
          { name: 'split', type: 'string' },
          ...(options?.includeMeta === true ? [META_FIELD] : []),
        ],
      },
    },
  ];
}
