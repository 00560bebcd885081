import { createStepScorer, type StepRewardOptions } from './step-scorer.js';

/**
 * The SRL step reward (paper §3): `formatPenalty` (default -1) when the output does
 * not follow the `<think>...</think> action` format, else the similarity of
 * (action, expertStep), in that order. With the default options it is exactly
 * Python's `difflib.SequenceMatcher(None, action, expert_step).ratio()`, where
 * `action` is the text after `</think>`, stripped.
 *
 * @param output - The model's whole output for this step.
 * @param expertStep - The expert's step k (the target).
 * @param options - Metric, granularity, normalization, penalty, parsing options and the
 *   work budget `maxWork`; an unknown option is a `TypeError`.
 * @returns The reward: a number in [0, 1], or the format penalty.
 * @throws TypeError when `output` or `expertStep` is not a string, or an option is invalid.
 * @throws RangeError when a custom metric returns NaN or an infinite number.
 * @throws ScoringLimitError (a `RangeError`) when the comparison needs more than
 *   `options.maxWork` work units, or runs past a scoring deadline.
 * @example
 * ```ts
 * import { stepReward } from 'srl-kit';
 * stepReward('<think>subtract 3</think> x = 4', 'x = 5');      //=> 0.8
 * stepReward('x = 4', 'x = 5');                                 //=> -1 (no think block)
 * stepReward('<think>t</think>ls -la', 'ls -l', { metric: 'lcs' }); //=> 0.9090909090909091
 * ```
 */
export function stepReward(output: string, expertStep: string, options?: StepRewardOptions): number {
  return createStepScorer(expertStep, options, 'stepReward').score(output, 'output').reward;
}
