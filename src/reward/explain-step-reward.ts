import { alignWith, type AlignmentSegment } from './align.js';
import type { ParseStepOutputResult } from './parse-step-output.js';
import { createStepScorer, type StepRewardOptions } from './step-scorer.js';
import type { Sequence } from './types.js';

/** What {@link explainStepReward} returns: the reward and how it came about. */
export interface StepRewardExplanation {
  /** The reward, the same number {@link stepReward} returns. */
  readonly reward: number;
  /** The parse of the output: the monologue and action, or why the format failed. */
  readonly parsed: ParseStepOutputResult;
  /** The metric used (`'custom'` for a function). */
  readonly metric: 'difflib' | 'lcs' | 'custom';
  /** The granularity used (`'custom'` for a tokenizer function). */
  readonly granularity: 'char' | 'word' | 'custom';
  /** The action as compared (normalized, tokenized, truncated); `null` on a format error. */
  readonly action: Sequence | null;
  /** The expert step as compared. */
  readonly expert: Sequence;
  /** Whether `maxLength` cut either side. */
  readonly truncated: boolean;
  /**
   * How the action lines up with the expert step (difflib's opcodes for the difflib
   * and custom metrics, a shortest edit script for LCS); empty on a format error.
   */
  readonly alignment: readonly AlignmentSegment[];
}

/**
 * {@link stepReward} with its workings: the parsed output, the sequences compared,
 * and an alignment of action against expert step that `renderAlignment` prints.
 * The alignment is a second comparison under the same `maxWork` (for the lcs metric it
 * needs about twice the units of the reward).
 *
 * @throws ScoringLimitError when the reward or the alignment needs more than
 *   `options.maxWork` work units, or a scoring deadline passes.
 *
 * @example
 * ```ts
 * import { explainStepReward, renderAlignment } from 'srl-kit';
 * const e = explainStepReward('<think>add</think>x = 4', 'x = 5');
 * e.reward;                      //=> 0.8
 * renderAlignment(e.alignment);  //=> 'x = [-4-]{+5+}'
 * ```
 */
export function explainStepReward(output: string, expertStep: string, options?: StepRewardOptions): StepRewardExplanation {
  const scorer = createStepScorer(expertStep, options, 'explainStepReward');
  const { reward, parsed, action, expert, truncated } = scorer.score(output, 'output');
  const method = scorer.metric === 'lcs' ? 'lcs' : 'difflib';
  const alignment =
    action === null ? [] : scorer.budgeted(action, () => alignWith(action, expert, method, scorer.autojunk, 'explainStepReward'));
  return { reward, parsed, metric: scorer.metric, granularity: scorer.granularity, action, expert, truncated, alignment };
}
