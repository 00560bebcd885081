/**
 * Group-relative advantages and dynamic sampling for GRPO-style training, on plain
 * numbers: rewards in (`number[]`, `Float64Array`, `null` for a missing reward),
 * advantages out (`Float64Array`). No tensor library and no Node-only built-ins,
 * so it runs anywhere, browsers and workers included.
 *
 * - {@link groupAdvantages}: grpo (with group, batch or no std scaling), rloo,
 *   reinforce_baseline, opo and gpg, with the exact conventions of verl, TRL or
 *   OpenRLHF on request (`preset`).
 * - {@link groupStats}: per-group mean, population and sample std, min, max, count.
 * - {@link dynamicSamplingFilter} and {@link DynamicBatcher}: the SRL paper's (and
 *   DAPO's) dynamic sampling, keeping groups whose rewards vary, until a batch is full.
 *
 * Import from `srl-kit/advantage`.
 *
 * @module advantage
 */
export { groupAdvantages } from './group-advantages.js';
export type { AdvantageReport, GroupAdvantagesOptions, GroupAdvantagesResult } from './group-advantages.js';
export { advantagePresets, defaultAdvantageSettings } from './advantage-presets.js';
export type { PresetSettings } from './advantage-presets.js';
export { groupStats } from './group-stats.js';
export type { GroupStats } from './group-stats.js';
export { dynamicSamplingFilter } from './dynamic-sampling-filter.js';
export type { DynamicSamplingOptions, DynamicSamplingResult } from './dynamic-sampling-filter.js';
export { DynamicBatcher, DynamicSamplingError } from './dynamic-batcher.js';
export type {
  DynamicBatch,
  DynamicBatcherOptions,
  DynamicBatcherRound,
  DynamicBatcherStats,
  KeptGroup,
} from './dynamic-batcher.js';
export type {
  AdvantageEstimator,
  AdvantagePreset,
  AdvantageSettings,
  GroupBy,
  GrpoScale,
  MissingPolicy,
  RewardInput,
  SingletonPolicy,
  StdConvention,
  WhitenEpsMode,
} from './types.js';
