/**
 * Option and metric types shared by the `srl-kit/ops` tensor ops (`src/ops/tensor/`) and
 * their plain-array twins (`src/ops/arrays/`). Names and defaults follow verl
 * (`verl/trainer/ppo/core_algos.py`) unless a field says otherwise; see each field.
 *
 * Shapes: log-probs, old log-probs, reference log-probs and masks are `[B, T]`
 * (B sequences, T tokens, row-major); advantages are `[B]` (one per rollout, broadcast
 * over its tokens) or `[B, T]`; masks hold 0 or 1.
 *
 * @module ops/types
 */

/**
 * The per-token policy loss.
 *
 * - `'ppo'`: vanilla PPO clip, `max(-A rho, -A clip(rho, 1 - clipLow, 1 + clipHigh))`,
 *   plus the dual clip for `A < 0` (verl `compute_policy_loss_vanilla`).
 * - `'gspo'`: the PPO clip on the sequence ratio `exp(sg(s_i) + logp_t - sg(logp_t))`,
 *   `s_i = sum_t m delta / max(|o_i|, 1)` (verl `compute_policy_loss_gspo`, TRL
 *   `importance_sampling_level="sequence"`). No dual clip in verl; see {@link PolicyLossOptions.dualClip}.
 * - `'cispo'`: `-sg(clip(rho)) A logp` (verl `compute_policy_loss_cispo`; TRL `loss_type="cispo"`).
 * - `'reinforce'`: `-A logp` (GPG / REINFORCE, verl `compute_policy_loss_gpg`).
 * - `'sapo'`: `-A sigmoid(tau (rho - 1)) 4 / tau` (verl `compute_policy_loss_sapo`, TRL `loss_type="sapo"`).
 */
export type PolicyLossKind = 'ppo' | 'gspo' | 'cispo' | 'reinforce' | 'sapo';

/**
 * How per-token losses `L` with mask `m` become one number (verl `agg_loss`). With
 * `n_i = sum_t m_it` (valid tokens of row i), `N = sum_i n_i`, `S` = the number of rows with
 * `n_i > 0` and `T` the padded length:
 *
 * - `'token-mean'`: `sum m L / N` (verl default; TRL `bnpo`, `dapo`, `cispo`; OpenRLHF).
 * - `'seq-mean-token-mean'`: `sum_{i: n_i > 0} (sum_t m L / n_i) / S` (verl; TRL `grpo` / `sapo`, GSPO, SAPO).
 * - `'seq-mean-token-sum'`: `sum_i sum_t m L / S` (verl).
 * - `'seq-mean-token-sum-norm'`: `sum_i sum_t m L / (S * K)`, K = `normalizer.constant` ?? T
 *   (verl since it takes `global_batch_size`: seq-mean, then `/ loss_scale_factor`; Dr. GRPO).
 *
 * `N`, `S` and `K` are replaced by `normalizer.tokens`, `.sequences` and `.constant` when given.
 * With nothing to divide by (no valid token and no normalizer) the result is 0, never NaN.
 */
export type LossAggregation =
  | 'token-mean'
  | 'seq-mean-token-mean'
  | 'seq-mean-token-sum'
  | 'seq-mean-token-sum-norm';

/**
 * Global denominators for data parallelism / gradient accumulation: what the micro-batch's
 * own counts would be replaced by. Each must be a finite number > 0 when given.
 *
 * - `tokens`: replaces N (valid tokens) in `'token-mean'` (verl `batch_num_tokens`; TRL `dapo`:
 *   `num_items_in_batch / num_processes`).
 * - `sequences`: replaces S (rows with a valid token) in the three `seq-mean-*` modes (verl
 *   `global_batch_size`). TRL's `grpo` and `dr_grpo` count every row, empty ones too: pass `B`.
 * - `constant`: K in `'seq-mean-token-sum-norm'` (verl `loss_scale_factor`, default T). TRL
 *   `dr_grpo` (`sum m L / (B * max_completion_length)`): `{ sequences: B, constant: max_completion_length }`.
 *   The older verl / rl-reference form `sum m L / K`: `{ sequences: 1, constant: K }`.
 *
 * verl also multiplies by `dp_size` because DDP averages gradients over ranks; do that
 * yourself if your reduction averages.
 */
export interface LossNormalizer {
  /** Valid tokens of the whole (global) batch: the token-mean denominator. */
  readonly tokens?: number | undefined;
  /** Sequences of the whole (global) batch: the sequence-mean denominator. */
  readonly sequences?: number | undefined;
  /** The constant of `seq-mean-token-sum-norm` (default T, the padded length). */
  readonly constant?: number | undefined;
}

/** SAPO's temperatures. */
export interface SapoTau {
  /** Temperature where the advantage is positive (default 1.0). */
  readonly positive: number;
  /** Temperature where the advantage is zero or negative (default 1.05). */
  readonly negative: number;
}

/** How CISPO bounds its (stop-gradient) importance weight. */
export type CispoClip =
  /** verl `compute_policy_loss_cispo`: `clip(rho, 1 - clipLow, 1 + clipHigh)`. */
  | 'two-sided'
  /**
   * TRL `loss_type="cispo"`: `min(rho, 1 + clipHigh)`. TRL's `epsilon_high` is the absolute
   * bound, so TRL's `epsilon_high = E` is `clipHigh: E - 1` here.
   */
  | 'upper';

/**
 * Options of the policy losses (tensor and plain-array versions alike). Every field is
 * optional; `resolvePolicyLossOptions` (in `srl-kit/ops`) fills in the defaults below and
 * validates the values.
 *
 * Formulas, with delta = logp - logp_old, A the advantage and m the mask:
 * - token ratio (ppo, cispo, sapo): `rho = exp(clamp(delta, -logRatioClamp, logRatioClamp))`;
 * - ppo / gspo: `L = max(-A r, -A clip(r, 1 - clipLow, 1 + clipHigh))`, then where A < 0 and
 *   `dualClip` is a number c: `L = min(L, -A c)`; r is rho (ppo) or the GSPO ratio
 *   `exp(min(sg(s_i) + logp - sg(logp), sequenceLogRatioMax))`, `s_i = sum_t m delta / max(|o_i|, 1)` (gspo);
 * - cispo: `L = -sg(w) A logp`, w = `clip(rho, 1 - clipLow, 1 + clipHigh)` or `min(rho, 1 + clipHigh)`;
 * - reinforce: `L = -A logp`;
 * - sapo: `L = -A sigmoid(tau (rho - 1)) 4 / tau`, tau = `sapoTau.positive` where A > 0, else `sapoTau.negative`.
 */
export interface PolicyLossOptions {
  /** Which per-token loss; default `'ppo'`. */
  readonly loss?: PolicyLossKind | undefined;
  /** eps_low: the ratio is clipped below at `1 - clipLow`; default 0.2 (verl `clip_ratio_low`, TRL `epsilon`). Finite, >= 0. */
  readonly clipLow?: number | undefined;
  /** eps_high: the ratio is clipped above at `1 + clipHigh`; default 0.2 (DAPO clip-higher: 0.28; verl `clip_ratio_high`, TRL `epsilon_high`). Finite, >= 0. */
  readonly clipHigh?: number | undefined;
  /**
   * Dual clip constant c > 1, applied where A < 0 only: `L = min(L, -A c)`. `null` = off.
   * Default: 3.0 for `'ppo'` (verl `clip_ratio_c`, always on in `compute_policy_loss_vanilla`),
   * `null` for `'gspo'` (verl `compute_policy_loss_gspo` has none). TRL's `delta` (default None)
   * clamps the unclipped ratio at delta, which gives the same values and gradients.
   * Ignored by `'cispo'`, `'reinforce'` and `'sapo'`.
   */
  readonly dualClip?: number | null | undefined;
  /**
   * Aggregation mode. Default `'seq-mean-token-mean'` for `'gspo'` and `'sapo'` (verl forces it
   * for both; TRL's sapo uses it too), `'token-mean'` for the others (verl `loss_agg_mode` default).
   */
  readonly aggregation?: LossAggregation | undefined;
  /** Global denominators replacing the micro-batch counts (see {@link LossNormalizer}). */
  readonly normalizer?: LossNormalizer | undefined;
  /**
   * Token log-ratios (ppo, cispo, sapo) are clamped to [-c, c] before `exp`; default 20 (verl).
   * `null` = no clamp (TRL). Clamped tokens get no gradient through the ratio. Finite, > 0.
   */
  readonly logRatioClamp?: number | null | undefined;
  /**
   * GSPO only: the sequence log-ratio is clamped above at this value before `exp`; default 10
   * (verl `compute_policy_loss_gspo`); `null` = no clamp (TRL).
   */
  readonly sequenceLogRatioMax?: number | null | undefined;
  /** SAPO temperatures for A > 0 and A <= 0; default `{ positive: 1.0, negative: 1.05 }` (verl `tau_pos`/`tau_neg`, TRL `sapo_temperature_pos`/`_neg`). Finite, > 0. */
  readonly sapoTau?: SapoTau | undefined;
  /** CISPO weight bound; default `'two-sided'` (verl). */
  readonly cispoClip?: CispoClip | undefined;
}

/** {@link PolicyLossOptions} with every default filled in (what `resolvePolicyLossOptions` returns). */
export interface ResolvedPolicyLossOptions {
  /** See {@link PolicyLossOptions.loss}. */
  readonly loss: PolicyLossKind;
  /** See {@link PolicyLossOptions.clipLow}. */
  readonly clipLow: number;
  /** See {@link PolicyLossOptions.clipHigh}. */
  readonly clipHigh: number;
  /** See {@link PolicyLossOptions.dualClip}; `null` is off. */
  readonly dualClip: number | null;
  /** See {@link PolicyLossOptions.aggregation}. */
  readonly aggregation: LossAggregation;
  /** See {@link PolicyLossOptions.normalizer}. */
  readonly normalizer: LossNormalizer;
  /** See {@link PolicyLossOptions.logRatioClamp}; `null` is off. */
  readonly logRatioClamp: number | null;
  /** See {@link PolicyLossOptions.sequenceLogRatioMax}; `null` is off. */
  readonly sequenceLogRatioMax: number | null;
  /** See {@link PolicyLossOptions.sapoTau}. */
  readonly sapoTau: SapoTau;
  /** See {@link PolicyLossOptions.cispoClip}. */
  readonly cispoClip: CispoClip;
}

/**
 * Diagnostics computed with the loss over the micro-batch's valid tokens (no gradient flows
 * through them; the normalizer does not change them). All 0 when the mask is empty.
 */
export interface PolicyLossMetrics {
  /**
   * Share of valid tokens that were clipped (verl `pg_clipfrac`): for `'ppo'` / `'gspo'` where
   * `-A clip(r) > -A r` (the clipped term won); for `'cispo'` where the clip changed the weight;
   * 0 for `'reinforce'` and `'sapo'`.
   */
  clipFraction: number;
  /** Share of valid tokens where the dual clip won (A < 0 and `max(...) > -A c`; verl `pg_clipfrac_lower`); 0 when the dual clip is off. */
  clipFractionLower: number;
  /**
   * Masked mean of `logp_old - logp` (verl `ppo_kl`). Like verl it uses the clamped
   * log-ratio for `'ppo'`, `'cispo'` and `'sapo'`, the raw one for `'gspo'` and `'reinforce'`.
   */
  approxKl: number;
  /** Number of valid tokens (sum of the mask) in this micro-batch. */
  tokens: number;
  /** True when the mask has no valid token (the loss is then 0, or 0 / normalizer = 0). */
  emptyMask: boolean;
}

/**
 * Per-token KL estimators, Delta = logp - logp_ref (verl `kl_penalty`).
 * `'k1'` Delta ("kl"), `'k2'` Delta^2 / 2 ("mse"), `'k3'` exp(-Delta) - 1 + Delta ("low_var_kl"), `'abs'` |Delta|.
 */
export type KlEstimator = 'k1' | 'k2' | 'k3' | 'abs';

/** Options of the KL penalty. */
export interface KlOptions {
  /**
   * k3 only: with a number c, the exponent input `logp_ref - logp` is clamped to [-20, 20]
   * and the result to [-c, c], as verl `kl_penalty` (c = 10). Default 10. `null` = no clamp (TRL).
   * Clamped tokens get no gradient. Ignored by k1, k2 and abs.
   */
  readonly clamp?: number | null | undefined;
}

/**
 * A flat, row-major array of numbers as the plain-array ops accept it. Values are read as
 * float64 and every sum is accumulated in float64, whatever the array type.
 */
export type NumberArray = Float32Array | Float64Array | readonly number[];

/** A flat 0/1 mask as the plain-array ops accept it. */
export type MaskArray = NumberArray | Uint8Array | Int8Array | Int32Array | Uint32Array;
