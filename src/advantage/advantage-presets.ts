import type { AdvantagePreset, AdvantageSettings } from './types.js';

/** The conventions a preset fixes: everything but the estimator. */
export type PresetSettings = Omit<AdvantageSettings, 'estimator'>;

/**
 * The defaults of {@link groupAdvantages} without a preset: verl's numbers (the SRL
 * authors trained with verl) except that a group of one gets advantage 0, and
 * missing rewards are left out of the statistics.
 *
 * @example
 * ```ts
 * import { defaultAdvantageSettings } from 'srl-kit/advantage';
 * defaultAdvantageSettings.eps;
 * //=> 1e-6
 * ```
 */
export const defaultAdvantageSettings: Readonly<AdvantageSettings> = Object.freeze({
  estimator: 'grpo',
  scale: 'group',
  eps: 1e-6,
  std: 'sample',
  singleton: 'zero',
  missing: 'exclude',
  whitenStd: 'sample',
  whitenEps: 1e-8,
  whitenEpsMode: 'add',
  clipRange: null,
});

/**
 * The conventions of the three trainers, as read in their code (options given
 * explicitly to {@link groupAdvantages} override them):
 *
 * - `verl` (`verl/trainer/ppo/core_algos.py`: `compute_grpo_outcome_advantage`,
 *   `compute_rloo_outcome_advantage`, `compute_opo_outcome_advantage`,
 *   `compute_gpg_outcome_advantage`, `compute_reinforce_plus_plus_baseline_outcome_advantage`;
 *   `verl/utils/torch_functional.py`: `masked_whiten`): eps 1e-6, `torch.std` (sample);
 *   a group of one gets mean 0 and std 1 (`singleton: 'raw'`), so its advantage is
 *   r / (1 + 1e-6) for grpo and r for rloo (verl's `rloo_vectorized` gives 0 instead);
 *   whitening divides by sqrt(unbiased token variance + 1e-8).
 * - `trl` (`trl/trainer/grpo_trainer.py`, `_generate_and_score_completions`, with the
 *   default `multi_objective_aggregation="sum_then_normalize"`): eps 1e-4,
 *   `std(dim=1)` (sample), `scale_rewards` `'group'` by default; a group of one has
 *   std 0, so advantage 0; a rollout whose reward functions all returned `None` gets
 *   reward 0 from `nansum` and takes part in the mean and std (`missing: 'zero'`).
 *   TRL has no reinforce_baseline; its whitening fields are the defaults.
 * - `openrlhf` (`openrlhf/trainer/ppo_utils/experience_maker.py`,
 *   `compute_advantages_and_returns`): eps 1e-9 (`group_norm`), `std(-1)` (sample);
 *   the shaped reward is clamped to `--reward_clip_range`, default [-10, 10]
 *   (`compute_reward` in `openrlhf/models/utils.py`); whitening (reinforce_baseline)
 *   divides by sqrt(max(population token variance, 1e-8)). OpenRLHF has no group of
 *   one (it would give NaN); here it gets 0.
 *
 * The trainers compute in float32, and a mean of equal rewards can come out a few
 * ulps off there (then divided by a tiny std + eps); here equal rewards give exactly 0.
 *
 * @example
 * ```ts
 * import { advantagePresets } from 'srl-kit/advantage';
 * advantagePresets.trl.eps;
 * //=> 0.0001
 * ```
 */
export const advantagePresets: Readonly<Record<AdvantagePreset, Readonly<PresetSettings>>> = Object.freeze({
  verl: Object.freeze({
    scale: 'group',
    eps: 1e-6,
    std: 'sample',
    singleton: 'raw',
    missing: 'exclude',
    whitenStd: 'sample',
    whitenEps: 1e-8,
    whitenEpsMode: 'add',
    clipRange: null,
  }),
  trl: Object.freeze({
    scale: 'group',
    eps: 1e-4,
    std: 'sample',
    singleton: 'zero',
    missing: 'zero',
    whitenStd: 'sample',
    whitenEps: 1e-8,
    whitenEpsMode: 'add',
    clipRange: null,
  }),
  openrlhf: Object.freeze({
    scale: 'group',
    eps: 1e-9,
    std: 'sample',
    singleton: 'zero',
    missing: 'exclude',
    whitenStd: 'population',
    whitenEps: 1e-8,
    whitenEpsMode: 'clamp',
    clipRange: Object.freeze([-10, 10] as const),
  }),
});
