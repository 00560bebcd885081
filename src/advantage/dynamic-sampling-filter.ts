import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { contiguousGroups, readRewards, shown, type ReadRewards } from './_groups.js';
import { moments, stdOf } from './_stats.js';
import type { RewardInput, StdConvention } from './types.js';

/** Options of {@link dynamicSamplingFilter} and `DynamicBatcher`. */
export interface DynamicSamplingOptions {
  /**
   * Rule `'std'`: keep a group iff the std of its rewards is strictly greater than
   * this (default 0, DAPO's "std > 0"; the SRL paper uses an unpublished epsilon > 0).
   */
  readonly minStd?: number | undefined;
  /** Rule `'std'`: which std (default `'population'`, the SRL paper's and `np.std`'s). */
  readonly std?: StdConvention | undefined;
  /**
   * `'std'` (default): the SRL / DAPO / verl `filter_groups` rule above.
   * `'range'`: OpenRLHF's `--dynamic_filtering`: keep iff `range[0] < mean < range[1]`
   * (with 0/1 scores this drops all-wrong and all-right groups).
   */
  readonly rule?: 'std' | 'range' | undefined;
  /** Rule `'range'`: the open interval the mean must fall in (default `[0, 1]`, OpenRLHF's default). */
  readonly range?: readonly [number, number] | undefined;
  /**
   * Rule `'std'`: keep a group with a single reward (default `true`: verl's
   * `filter_groups` keeps `std > 0 or len == 1`). The `'range'` rule has no exception.
   */
  readonly keepSingletons?: boolean | undefined;
}

/** The keys of {@link DynamicSamplingOptions}. @internal */
export const FILTER_OPTION_KEYS = optionKeys<DynamicSamplingOptions>({
  minStd: true,
  std: true,
  rule: true,
  range: true,
  keepSingletons: true,
});

/** Which groups {@link dynamicSamplingFilter} keeps. */
export interface DynamicSamplingResult {
  /** One decision per group, in group order. */
  readonly keep: boolean[];
  /** Indices of the kept groups, ascending. */
  readonly keptGroups: number[];
  /** Indices of the rollouts of the kept groups, ascending. */
  readonly keptIndices: number[];
  /** Number of groups. */
  readonly groups: number;
  /** Number of groups kept. */
  readonly kept: number;
  /** kept / groups (0 when there are no groups). */
  readonly passRate: number;
}

/** The options after defaults, checked. @internal */
export interface ResolvedFilter {
  readonly rule: 'std' | 'range';
  readonly minStd: number;
  readonly std: StdConvention;
  readonly range: readonly [number, number];
  readonly keepSingletons: boolean;
}

/**
 * Checks the filter options and applies the defaults; `allowed` is every key the
 * caller takes (the filter's and its own).
 * @internal
 */
export function resolveFilter(options: DynamicSamplingOptions | undefined, fn: string, allowed: readonly string[]): ResolvedFilter {
  assertOptions(options, fn);
  assertKnownKeys(options, allowed, fn);
  const o = options ?? {};
  const rule = o.rule ?? 'std';
  if (rule !== 'std' && rule !== 'range') {
    throw new TypeError(`${fn}: option 'rule' must be 'std' or 'range', got ${shown(rule)}`);
  }
  const std = o.std ?? 'population';
  if (std !== 'population' && std !== 'sample') {
    throw new TypeError(`${fn}: option 'std' must be 'population' or 'sample', got ${shown(std)}`);
  }
  const minStd = o.minStd ?? 0;
  if (typeof minStd !== 'number' || !Number.isFinite(minStd) || minStd < 0) {
    throw new RangeError(`${fn}: argument 'options.minStd' must be a finite number >= 0, got ${shown(minStd)}`);
  }
  const range = o.range ?? [0, 1];
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
    !((range[0] as number) < (range[1] as number))
  ) {
    throw new RangeError(
      `${fn}: argument 'options.range' must be two finite numbers [low, high] with low < high, got ${JSON.stringify(range)}`,
    );
  }
  const keepSingletons = o.keepSingletons ?? true;
  if (typeof keepSingletons !== 'boolean') {
    throw new TypeError(`${fn}: option 'keepSingletons' must be a boolean, got ${describeType(keepSingletons)}`);
  }
  return { rule, minStd, std, range: [range[0] as number, range[1] as number], keepSingletons };
}

/** Decides one group from the rewards present in it (missing ones already left out). @internal */
export function keepGroup(r: readonly number[], f: ResolvedFilter, fn: string): boolean {
  if (r.length === 0) return false; // every reward missing: no signal at all
  const m = moments(r, undefined, fn);
  if (f.rule === 'range') return f.range[0] < m.mean && m.mean < f.range[1];
  if (r.length === 1) return f.keepSingletons;
  return stdOf(m, f.std) > f.minStd;
}

/** Applies the filter to validated rewards in contiguous groups of `groupSize`. @internal */
export function filterGroups(
  read: ReadRewards,
  groupSize: number,
  f: ResolvedFilter,
  fn: string,
): DynamicSamplingResult {
  const keep: boolean[] = [];
  const keptGroups: number[] = [];
  const keptIndices: number[] = [];
  const groups = read.values.length / groupSize;
  for (let g = 0; g < groups; g++) {
    const r: number[] = [];
    for (let i = g * groupSize; i < (g + 1) * groupSize; i++) {
      if (read.present[i] === 1) r.push(read.values[i] as number);
    }
    const k = keepGroup(r, f, fn);
    keep.push(k);
    if (!k) continue;
    keptGroups.push(g);
    for (let i = g * groupSize; i < (g + 1) * groupSize; i++) keptIndices.push(i);
  }
  const kept = keptGroups.length;
  return { keep, keptGroups, keptIndices, groups, kept, passRate: groups === 0 ? 0 : kept / groups };
}

/**
 * Dynamic sampling: which groups of G rollouts carry a learning signal. By default
 * a group is kept iff the population std of its rewards is greater than `minStd`
 * (the SRL paper, with its epsilon as `minStd`; DAPO and verl's `filter_groups`
 * with `minStd: 0`). A group with one reward is kept (as verl's `filter_groups`),
 * a group whose rewards are all missing is dropped, and missing rewards are left out
 * of the std. `rule: 'range'` applies OpenRLHF's mean-in-range rule instead.
 *
 * Unlike a `np.std` over a rounded mean, a group of equal rewards has std exactly 0,
 * so `minStd: 0` drops it whatever the reward values (numpy can leave 1e-17 there,
 * e.g. for three rewards of 0.1).
 *
 * @param rewards - One reward per rollout, in contiguous groups; `null` or `NaN` when missing.
 * @param groupSize - G, the number of rollouts per group; must divide the number of rewards.
 * @param options - The rule and its threshold.
 * @returns The decision per group and the indices of what is kept.
 * @throws TypeError or RangeError naming the argument for bad rewards, group size or options;
 *   TypeError for a key of `options` that is not an option (naming the nearest: `minstd` -> `minStd`).
 * @example
 * ```ts
 * import { dynamicSamplingFilter } from 'srl-kit/advantage';
 * const r = dynamicSamplingFilter([1, 1, 0, 1, 0.2, 0.25], 2, { minStd: 0.05 });
 * r.keep;
 * //=> [false, true, false]
 * r.keptIndices;
 * //=> [2, 3]
 * dynamicSamplingFilter([1, 1, 0, 1], 2, { rule: 'range' }).keptGroups;
 * //=> [1]
 * ```
 */
export function dynamicSamplingFilter(
  rewards: RewardInput,
  groupSize: number,
  options?: DynamicSamplingOptions,
): DynamicSamplingResult {
  const fn = 'dynamicSamplingFilter';
  const read = readRewards(rewards, fn);
  contiguousGroups(read.values.length, groupSize, fn, 'groupSize');
  const f = resolveFilter(options, fn, FILTER_OPTION_KEYS);
  return filterGroups(read, groupSize, f, fn);
}
