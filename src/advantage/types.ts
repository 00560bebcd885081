/**
 * How rollouts form groups (the G rollouts of one prompt). Give exactly one of:
 * - `groupSize`: contiguous runs of G rollouts (TRL's and OpenRLHF's layout, and
 *   verl's after `repeat(interleave=True)`); it must divide the number of rewards;
 * - `groupIds`: one integer per rollout, in any order (verl's `uid`); equal ids form
 *   a group, and groups are numbered in order of first appearance.
 */
export type GroupBy =
  | {
      /** Contiguous groups of this many rollouts; must divide the number of rewards. */
      readonly groupSize: number;
      /** Not allowed together with `groupSize`. */
      readonly groupIds?: undefined;
    }
  | {
      /** One integer per rollout; equal ids form a group. */
      readonly groupIds: ArrayLike<number>;
      /** Not allowed together with `groupIds`. */
      readonly groupSize?: undefined;
    };

/**
 * A reward per rollout: a finite number, or `null` / `NaN` when the reward function
 * returned nothing (TRL's `None`). Infinite rewards are refused.
 */
export type RewardInput = ArrayLike<number | null>;

/**
 * Which standard deviation: `'sample'` divides the squared deviations by n - 1
 * (Bessel; `torch.std`, the trainers' default for groups), `'population'` by n
 * (`np.std`; the SRL paper's filter). The sample std of fewer than 2 values is 0.
 */
export type StdConvention = 'sample' | 'population';

/**
 * The advantage estimators, named as verl names them (`reinforce_baseline` is
 * verl's `reinforce_plus_plus_baseline` and OpenRLHF's `reinforce_baseline`; OpenRLHF
 * calls grpo `group_norm` and grpo without std `dr_grpo`):
 * - `'grpo'`: (r_i - mean_g) / (std_g + eps), or see {@link GrpoScale};
 * - `'rloo'`: r_i - mean of the other G-1 = G/(G-1) (r_i - mean_g);
 * - `'reinforce_baseline'`: r_i - mean_g, then whitened over the batch of tokens;
 * - `'opo'`: r_i - sum_j |o_j| r_j / sum_j |o_j| (length-weighted baseline; needs `lengths`);
 * - `'gpg'`: alpha (r_i - mean_g), alpha = B / max(number of non-zero rewards, 1).
 */
export type AdvantageEstimator = 'grpo' | 'rloo' | 'reinforce_baseline' | 'opo' | 'gpg';

/**
 * What grpo divides by: `'group'` the group's std (GRPO), `'batch'` the std of all
 * rewards of the batch (TRL `scale_rewards="batch"`), `'none'` nothing (Dr. GRPO;
 * verl `norm_adv_by_std_in_grpo=False`, TRL `scale_rewards="none"`).
 */
export type GrpoScale = 'group' | 'batch' | 'none';

/**
 * A group with a single (non-missing) reward:
 * - `'zero'`: its baseline is its own reward, so its advantage is 0 (TRL; the
 *   reference's rloo rule; OpenRLHF would divide by zero here);
 * - `'raw'`: verl's convention, mean 0 and std 1, so the advantage is the raw reward
 *   (grpo: r / (1 + eps); rloo and opo: r; gpg: alpha r; reinforce_baseline: r, then
 *   whitened).
 */
export type SingletonPolicy = 'zero' | 'raw';

/**
 * A missing reward (`null` / `NaN`):
 * - `'exclude'`: left out of every statistic (nanmean / nanstd) and given advantage 0;
 * - `'zero'`: counted as a reward of 0 in the statistics, as TRL's default
 *   `multi_objective_aggregation="sum_then_normalize"` does (`nansum` over the reward
 *   functions turns an all-`None` row into 0); its advantage is then computed normally.
 *
 * Either way it is counted in the report's `missing`.
 */
export type MissingPolicy = 'exclude' | 'zero';

/**
 * How reinforce_baseline's whitening adds its epsilon: `'add'` divides by
 * sqrt(var + eps) (verl `masked_whiten`), `'clamp'` by sqrt(max(var, eps)) (OpenRLHF).
 */
export type WhitenEpsMode = 'add' | 'clamp';

/** The trainers whose conventions a preset reproduces. */
export type AdvantagePreset = 'verl' | 'trl' | 'openrlhf';

/** Every convention {@link groupAdvantages} follows, once defaults and the preset are applied. */
export interface AdvantageSettings {
  /** The estimator. */
  readonly estimator: AdvantageEstimator;
  /** What grpo divides by. */
  readonly scale: GrpoScale;
  /** Added to the std before dividing (grpo with scale `'group'` or `'batch'`). */
  readonly eps: number;
  /** Which std grpo divides by. */
  readonly std: StdConvention;
  /** What a group with one reward gets. */
  readonly singleton: SingletonPolicy;
  /** What a missing reward does to the statistics. */
  readonly missing: MissingPolicy;
  /** Which variance reinforce_baseline's whitening uses (over tokens). */
  readonly whitenStd: StdConvention;
  /** The whitening epsilon. */
  readonly whitenEps: number;
  /** How the whitening epsilon is applied. */
  readonly whitenEpsMode: WhitenEpsMode;
  /**
   * Clamp each advantage to `[low, high]` after the group step and before
   * reinforce_baseline's whitening, or `null` for no clamp. OpenRLHF clamps the
   * group-shaped reward with `--reward_clip_range` (default `[-10, 10]`).
   */
  readonly clipRange: readonly [number, number] | null;
}
