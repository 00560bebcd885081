/**
 * The SRL step reward and the exact difflib similarity it rests on.
 *
 * Import from `srl-kit/reward` (or `srl-kit`). Nothing here needs a tensor library
 * or Node-only built-ins, so it runs in browsers and workers too.
 *
 * @module reward
 */
export { SequenceMatcher } from './sequence-matcher.js';
export type { Match, Opcode, OpcodeTag, SequenceMatcherOptions } from './sequence-matcher.js';
export type { Sequence, Token } from './types.js';
export { sequenceRatio } from './sequence-ratio.js';
export { lcsRatio } from './lcs-ratio.js';
export { tokenize } from './tokenize.js';
export type { Granularity } from './tokenize.js';
export { normalizers } from './normalizers.js';
export type { Normalizer, Normalizers } from './normalizers.js';
export { PARSE_OPTION_KEYS, parseStepOutput } from './parse-step-output.js';
export type {
  ParseFailureReason,
  ParsedStepOutput,
  ParseStepOutputOptions,
  ParseStepOutputResult,
  StepOutputFormatError,
} from './parse-step-output.js';
export type { Metric, SimilarityFn, StepRewardOptions } from './step-scorer.js';
export { ScoringLimitError, withScoringDeadline } from './scoring-limits.js';
export { stepReward } from './step-reward.js';
export { stepRewards } from './step-rewards.js';
export { explainStepReward } from './explain-step-reward.js';
export type { StepRewardExplanation } from './explain-step-reward.js';
export { alignSequences } from './align.js';
export type { AlignmentSegment, AlignSequencesOptions } from './align.js';
export { renderAlignment } from './render-alignment.js';
export type { RenderAlignmentOptions } from './render-alignment.js';
