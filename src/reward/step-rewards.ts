import { describeType } from '../_lib/describe.js';
import { createStepScorer, type StepRewardOptions } from './step-scorer.js';

/**
 * {@link stepReward} for a group of rollouts that answer the same step prompt
 * (GRPO's G outputs). The expert step is indexed once and reused, so a group costs
 * less than G separate calls. The rewards keep the order of `outputs`.
 *
 * @throws TypeError naming the index (`outputs[3]`) of an output that is not a string.
 * @throws ScoringLimitError when one comparison needs more than `options.maxWork` work
 *   units (each output has the whole budget), or a scoring deadline passes.
 * @example
 * ```ts
 * import { stepRewards } from 'srl-kit';
 * stepRewards(['<think>a</think>x = 5', '<think>b</think>x = 4', 'no format'], 'x = 5');
 * //=> [1, 0.8, -1]
 * ```
 */
export function stepRewards(outputs: readonly string[], expertStep: string, options?: StepRewardOptions): number[] {
  if (!Array.isArray(outputs)) {
    throw new TypeError(`stepRewards: argument 'outputs' must be an array of strings, got ${describeType(outputs)}`);
  }
  const scorer = createStepScorer(expertStep, options, 'stepRewards');
  return outputs.map((output, i) => scorer.score(output, `outputs[${i}]`).reward);
}
