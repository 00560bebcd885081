import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { readLengths, readRewards, resolveGroups } from './_groups.js';
import { moments, stdOf } from './_stats.js';
import { advantagePresets, defaultAdvantageSettings } from './advantage-presets.js';
import type {
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

const FN = 'groupAdvantages';

/** Options of {@link groupAdvantages}: the grouping plus the conventions to follow. */
export type GroupAdvantagesOptions = GroupBy & {
  /** The estimator (default `'grpo'`). */
  readonly estimator?: AdvantageEstimator | undefined;
  /** Take the trainer's conventions (see `advantagePresets`); explicit options below override it. */
  readonly preset?: AdvantagePreset | undefined;
  /** grpo only: what to divide by (default `'group'`). */
  readonly scale?: GrpoScale | undefined;
  /** grpo: added to the std (default 1e-6; verl 1e-6, TRL 1e-4, OpenRLHF 1e-9). */
  readonly eps?: number | undefined;
  /** grpo: which std (default `'sample'`, as `torch.std`). */
  readonly std?: StdConvention | undefined;
  /** A group with one reward (default `'zero'`; verl `'raw'`). */
  readonly singleton?: SingletonPolicy | undefined;
  /** Missing rewards (default `'exclude'`; TRL `'zero'`). */
  readonly missing?: MissingPolicy | undefined;
  /**
   * |o_i|, the number of valid tokens of each rollout. Needed by `'opo'`; used by
   * `'reinforce_baseline'` to weight the whitening by tokens; checked and otherwise
   * unused.
   */
  readonly lengths?: ArrayLike<number> | undefined;
  /** reinforce_baseline: the token variance (default `'sample'`, verl; OpenRLHF `'population'`). */
  readonly whitenStd?: StdConvention | undefined;
  /** reinforce_baseline: the whitening epsilon (default 1e-8). */
  readonly whitenEps?: number | undefined;
  /** reinforce_baseline: `'add'` (default, verl) or `'clamp'` (OpenRLHF). */
  readonly whitenEpsMode?: WhitenEpsMode | undefined;
  /** Clamp advantages to `[low, high]` before whitening (default `null`; OpenRLHF `[-10, 10]`). */
  readonly clipRange?: readonly [number, number] | null | undefined;
};

/** What {@link groupAdvantages} saw and did, for logging. */
export interface AdvantageReport {
  /** Number of rollouts (rewards). */
  readonly rollouts: number;
  /** Number of groups. */
  readonly groups: number;
  /** Rollouts whose reward was `null` or `NaN`. */
  readonly missing: number;
  /** Groups where every reward was missing (all their advantages are 0). */
  readonly emptyGroups: number;
  /** Groups with exactly one reward that counts (see `singleton`). */
  readonly singletonGroups: number;
  /**
   * Groups with two or more rewards, all equal: their advantages are 0 and they
   * carry no learning signal (TRL logs their share as `frac_reward_zero_std`).
   */
  readonly zeroStdGroups: number;
  /** The conventions applied, after defaults and preset. */
  readonly settings: AdvantageSettings & {
    /** The preset asked for, or null. */
    readonly preset: AdvantagePreset | null;
  };
  /** grpo with scale `'batch'`: the std of all the batch's rewards. */
  readonly batchStd?: number;
  /** gpg: alpha = B / max(number of non-zero rewards, 1). */
  readonly alpha?: number;
  /** reinforce_baseline: the whitening statistics over tokens. */
  readonly whiten?: {
    /** Token-weighted mean of the baselined rewards. */
    readonly mean: number;
    /** The std used: sqrt of the token variance (before eps). */
    readonly std: number;
    /** Number of tokens (sum of `lengths`, or the number of rollouts without them). */
    readonly tokens: number;
  };
}

/** What {@link groupAdvantages} returns. */
export interface GroupAdvantagesResult {
  /** One advantage per rollout, in input order (broadcast it over the rollout's tokens). */
  readonly advantages: Float64Array;
  /** Counts and the settings applied. */
  readonly report: AdvantageReport;
}

const OPTION_KEYS = optionKeys<GroupAdvantagesOptions>({
  groupSize: true,
  groupIds: true,
  estimator: true,
  preset: true,
  scale: true,
  eps: true,
  std: true,
  singleton: true,
  missing: true,
  lengths: true,
  whitenStd: true,
  whitenEps: true,
  whitenEpsMode: true,
  clipRange: true,
});

const ESTIMATORS: readonly AdvantageEstimator[] = ['grpo', 'rloo', 'reinforce_baseline', 'opo', 'gpg'];
const PRESETS: readonly AdvantagePreset[] = ['verl', 'trl', 'openrlhf'];

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describeType(value);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new TypeError(`${FN}: option '${name}' must be ${allowed.map((a) => `'${a}'`).join(', ')}, got ${quote(value)}`);
  }
  return value as T;
}

function epsilon(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    const got = typeof value === 'number' ? String(value) : describeType(value);
    throw new RangeError(`${FN}: argument 'options.${name}' must be a finite number >= 0, got ${got}`);
  }
  return value;
}

function clipRange(value: unknown): readonly [number, number] | null | undefined {
  if (value === undefined || value === null) return value;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
    !((value[0] as number) <= (value[1] as number))
  ) {
    throw new RangeError(
      `${FN}: argument 'options.clipRange' must be null or two finite numbers [low, high] with low <= high, got ${JSON.stringify(value)}`,
    );
  }
  return [value[0] as number, value[1] as number];
}

function resolveSettings(o: Record<string, unknown>): AdvantageSettings & { preset: AdvantagePreset | null } {
  const preset = oneOf(o['preset'], PRESETS, 'preset');
  const estimator = oneOf(o['estimator'], ESTIMATORS, 'estimator') ?? defaultAdvantageSettings.estimator;
  const scale = oneOf<GrpoScale>(o['scale'], ['group', 'batch', 'none'], 'scale');
  if (scale !== undefined && estimator !== 'grpo') {
    throw new TypeError(`${FN}: option 'scale' applies to estimator 'grpo' only, got estimator '${estimator}'`);
  }
  const clip = clipRange(o['clipRange']);
  const base = preset === undefined ? defaultAdvantageSettings : { ...defaultAdvantageSettings, ...advantagePresets[preset] };
  return {
    preset: preset ?? null,
    estimator,
    scale: scale ?? base.scale,
    eps: epsilon(o['eps'], 'eps') ?? base.eps,
    std: oneOf<StdConvention>(o['std'], ['sample', 'population'], 'std') ?? base.std,
    singleton: oneOf<SingletonPolicy>(o['singleton'], ['zero', 'raw'], 'singleton') ?? base.singleton,
    missing: oneOf<MissingPolicy>(o['missing'], ['exclude', 'zero'], 'missing') ?? base.missing,
    whitenStd: oneOf<StdConvention>(o['whitenStd'], ['sample', 'population'], 'whitenStd') ?? base.whitenStd,
    whitenEps: epsilon(o['whitenEps'], 'whitenEps') ?? base.whitenEps,
    whitenEpsMode: oneOf<WhitenEpsMode>(o['whitenEpsMode'], ['add', 'clamp'], 'whitenEpsMode') ?? base.whitenEpsMode,
    clipRange: clip === undefined ? base.clipRange : clip,
  };
}

/** a / b, or 0 when b is 0 (only reachable with eps = 0 and a spread of 0, where a is 0 too). */
function divide(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/**
 * Group-relative advantages, one per rollout, exactly as GRPO, RLOO,
 * REINFORCE++-baseline, OPO or GPG compute them from scalar (outcome) rewards,
 * with the conventions of verl, TRL or OpenRLHF on request (`preset`).
 *
 * Statistics are taken in float64 with correctly rounded sums, so the result does
 * not depend on the order of the rollouts, and a group whose rewards are all equal
 * gets advantages of exactly 0. Missing rewards (`null` / `NaN`) are by default
 * left out of every statistic and get advantage 0; the `trl` preset counts them as
 * rewards of 0, as TRL does (see `missing`). Either way the report counts them. A
 * group with one reward gets 0 by default and the raw reward with `preset: 'verl'`
 * (see `singleton`).
 *
 * @param rewards - One reward per rollout; `null` or `NaN` when missing.
 * @param options - `groupSize` or `groupIds`, then the estimator and its conventions.
 * @returns The advantages (a `Float64Array` in input order) and a report.
 * @throws TypeError naming the argument for a value of the wrong type
 *   (`rewards[2] must be a number, null or NaN`), a non-integer group id, an unknown
 *   option value, a key of `options` that is not an option (naming the nearest one:
 *   `estimater` -> `estimator`), or `'opo'` without `lengths`.
 * @throws RangeError for an infinite reward (`rewards[7] is Infinity`), a `groupSize`
 *   that does not divide the number of rewards, `groupIds` or `lengths` of the wrong
 *   size, a negative length or epsilon, or rewards so large that a sum or a squared
 *   deviation overflows float64.
 * @example
 * ```ts
 * import { groupAdvantages } from 'srl-kit/advantage';
 * groupAdvantages([1, 0, 0, 1], { groupSize: 2, eps: 0 }).advantages;
 * //=> Float64Array [0.7071067811865475, -0.7071067811865475, -0.7071067811865475, 0.7071067811865475]
 * groupAdvantages([1, 0, 0, 0], { groupSize: 4, estimator: 'rloo' }).advantages;
 * //=> Float64Array [1, -0.3333333333333333, -0.3333333333333333, -0.3333333333333333]
 * groupAdvantages([1, null, 0.5], { groupIds: [7, 7, 7], scale: 'none' }).advantages; // missing: left out
 * //=> Float64Array [0.25, 0, -0.25]
 * groupAdvantages([1, null, 0.5], { groupIds: [7, 7, 7], scale: 'none', preset: 'trl' }).advantages; // TRL: nansum -> 0
 * //=> Float64Array [0.5, -0.5, 0]
 * ```
 */
export function groupAdvantages(rewards: RewardInput, options: GroupAdvantagesOptions): GroupAdvantagesResult {
  const read = readRewards(rewards, FN);
  const n = read.values.length;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${FN}: argument 'options' must be an object with 'groupSize' or 'groupIds', got ${describeType(options)}`);
  }
  // A misspelled option would run with the default: `estimater: 'rloo'` would run grpo.
  assertKnownKeys(options, OPTION_KEYS, FN);
  const o = options as unknown as Record<string, unknown>;
  const settings = resolveSettings(o);
  const { members } = resolveGroups(n, options, FN);
  const lengths = o['lengths'] === undefined ? undefined : readLengths(o['lengths'], n, FN);
  const { estimator, singleton } = settings;
  if (estimator === 'opo' && lengths === undefined) {
    throw new TypeError(`${FN}: estimator 'opo' needs option 'lengths' (the number of tokens of each rollout)`);
  }

  // The rewards that count: with missing 'zero' a missing reward counts as 0.
  const counts = new Uint8Array(n);
  const value = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (read.present[i] === 1) {
      counts[i] = 1;
      value[i] = read.values[i] as number;
    } else if (settings.missing === 'zero') {
      counts[i] = 1;
    }
  }

  let emptyGroups = 0;
  let singletonGroups = 0;
  let zeroStdGroups = 0;
  const advantages = new Float64Array(n);
  const extra: { batchStd?: number; alpha?: number; whiten?: { mean: number; std: number; tokens: number } } = {};

  // Batch-wide quantities: grpo's batch std, gpg's alpha.
  let batchStd = 0;
  let alpha = 1;
  if ((estimator === 'grpo' && settings.scale === 'batch') || estimator === 'gpg') {
    const all: number[] = [];
    let nonZero = 0;
    for (let i = 0; i < n; i++) {
      if (counts[i] !== 1) continue;
      all.push(value[i] as number);
      if (value[i] !== 0) nonZero++;
    }
    if (estimator === 'gpg') {
      alpha = all.length / Math.max(nonZero, 1);
      extra.alpha = alpha;
    } else {
      batchStd = stdOf(moments(all, undefined, FN), settings.std);
      extra.batchStd = batchStd;
    }
  }

  // grpo's divisor, given the group's std (verl's 1 for a group of one).
  const grpoDivisor = (groupStd: number) =>
    settings.scale === 'group' ? groupStd + settings.eps : settings.scale === 'batch' ? batchStd + settings.eps : 1;

  for (const group of members) {
    const idx = group.filter((i) => counts[i] === 1);
    const k = idx.length;
    if (k === 0) {
      emptyGroups++;
      continue;
    }
    const r = idx.map((i) => value[i] as number);
    if (k === 1) {
      singletonGroups++;
      // 'zero': the baseline is the reward itself; 'raw': verl's mean 0, std 1.
      if (singleton === 'zero') continue;
      const x = r[0] as number;
      const i = idx[0] as number;
      if (estimator === 'grpo') {
        advantages[i] = divide(x, grpoDivisor(1));
      } else {
        advantages[i] = estimator === 'gpg' ? alpha * x : x;
      }
      continue;
    }
    const m = moments(r, undefined, FN);
    if (m.allEqual) zeroStdGroups++;
    switch (estimator) {
      case 'grpo': {
        const divisor = grpoDivisor(settings.scale === 'group' ? stdOf(m, settings.std) : 0);
        for (let j = 0; j < k; j++) advantages[idx[j] as number] = divide((r[j] as number) - m.mean, divisor);
        break;
      }
      case 'rloo': {
        const factor = k / (k - 1);
        for (let j = 0; j < k; j++) advantages[idx[j] as number] = factor * ((r[j] as number) - m.mean);
        break;
      }
      case 'opo': {
        const w = idx.map((i) => (lengths as Float64Array)[i] as number);
        const weighted = moments(r, w, FN);
        // All lengths 0: no token weights, fall back to the plain mean.
        const baseline = weighted.count === 0 ? m.mean : weighted.mean;
        for (let j = 0; j < k; j++) advantages[idx[j] as number] = (r[j] as number) - baseline;
        break;
      }
      case 'gpg':
        for (let j = 0; j < k; j++) advantages[idx[j] as number] = alpha * ((r[j] as number) - m.mean);
        break;
      case 'reinforce_baseline':
        for (let j = 0; j < k; j++) advantages[idx[j] as number] = (r[j] as number) - m.mean;
        break;
    }
  }

  if (settings.clipRange !== null) {
    const [low, high] = settings.clipRange;
    for (let i = 0; i < n; i++) {
      if (counts[i] === 1) advantages[i] = Math.min(Math.max(advantages[i] as number, low), high);
    }
  }

  if (estimator === 'reinforce_baseline') {
    // Whiten over the batch of tokens: rollout i stands for lengths[i] tokens (1 without lengths).
    const vals: number[] = [];
    const weights: number[] = [];
    const idx: number[] = [];
    for (let i = 0; i < n; i++) {
      if (counts[i] !== 1) continue;
      idx.push(i);
      vals.push(advantages[i] as number);
      weights.push(lengths === undefined ? 1 : (lengths[i] as number));
    }
    const m = moments(vals, weights, FN);
    const divisor = settings.whitenStd === 'sample' ? m.count - 1 : m.count;
    const variance = divisor > 0 ? m.sumSq / divisor : 0;
    const { whitenEps } = settings;
    const denominator = Math.sqrt(settings.whitenEpsMode === 'add' ? variance + whitenEps : Math.max(variance, whitenEps));
    // No tokens at all (every length 0): nothing to whiten, nothing to train on.
    for (const i of idx) advantages[i] = m.count === 0 ? 0 : divide((advantages[i] as number) - m.mean, denominator);
    extra.whiten = { mean: m.mean, std: Math.sqrt(variance), tokens: m.count };
  }

  // Missing rewards under 'exclude' keep advantage 0 (never written above).
  return {
    advantages,
    report: {
      rollouts: n,
      groups: members.length,
      missing: read.missing,
      emptyGroups,
      singletonGroups,
      zeroStdGroups,
      settings,
      ...extra,
    },
  };
}
