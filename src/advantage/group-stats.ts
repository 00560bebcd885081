import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import { GROUP_BY_KEYS, readRewards, resolveGroups } from './_groups.js';
import { moments, stdOf } from './_stats.js';
import type { GroupBy, RewardInput } from './types.js';

const FN = 'groupStats';

/**
 * Statistics of one group's rewards, missing rewards left out. A value that is
 * undefined for the rewards present is `null`: every field but the counts when no
 * reward is present, `sampleStd` when fewer than two are.
 */
export interface GroupStats {
  /** The group's id: its `groupIds` value, or its index with `groupSize`. */
  readonly id: number;
  /** Number of rollouts in the group, missing ones included. */
  readonly size: number;
  /** Number of rewards present (not `null` / `NaN`). */
  readonly count: number;
  /** Mean of the rewards present. */
  readonly mean: number | null;
  /** Population std (divide by n; `np.std`, the SRL paper's filter). */
  readonly std: number | null;
  /** Sample std (divide by n - 1; `torch.std`); `null` below two rewards. */
  readonly sampleStd: number | null;
  /** Smallest reward present. */
  readonly min: number | null;
  /** Largest reward present. */
  readonly max: number | null;
}

/**
 * Per-group statistics of the rewards (mean, population and sample std, min, max,
 * count), in group order: contiguous groups in order, or `groupIds` groups in
 * order of first appearance. Missing rewards (`null` / `NaN`) are left out.
 * Sums are correctly rounded, and a group of equal rewards has std exactly 0.
 *
 * @param rewards - One reward per rollout; `null` or `NaN` when missing.
 * @param options - `groupSize` or `groupIds`.
 * @returns One {@link GroupStats} per group.
 * @throws TypeError or RangeError as {@link groupAdvantages} does for bad rewards or grouping;
 *   TypeError for a key of `options` other than `groupSize` and `groupIds` (naming the nearest).
 * @example
 * ```ts
 * import { groupStats } from 'srl-kit/advantage';
 * groupStats([1, 0, null, 0.5, 0.5, 0.5], { groupSize: 3 });
 * //=> [
 * //   { id: 0, size: 3, count: 2, mean: 0.5, std: 0.5, sampleStd: 0.7071067811865476, min: 0, max: 1 },
 * //   { id: 1, size: 3, count: 3, mean: 0.5, std: 0, sampleStd: 0, min: 0.5, max: 0.5 },
 * // ]
 * ```
 */
export function groupStats(rewards: RewardInput, options: GroupBy): GroupStats[] {
  const read = readRewards(rewards, FN);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${FN}: argument 'options' must be an object with 'groupSize' or 'groupIds', got ${describeType(options)}`);
  }
  assertKnownKeys(options, GROUP_BY_KEYS, FN);
  const { members, ids } = resolveGroups(read.values.length, options, FN);
  return members.map((group, g) => {
    const r = group.filter((i) => read.present[i] === 1).map((i) => read.values[i] as number);
    return statsOf(ids[g] as number, group.length, r, FN);
  });
}

/** Statistics of the rewards present in one group. @internal */
export function statsOf(id: number, size: number, r: readonly number[], fn: string): GroupStats {
  if (r.length === 0) return { id, size, count: 0, mean: null, std: null, sampleStd: null, min: null, max: null };
  const m = moments(r, undefined, fn);
  let min = Infinity;
  let max = -Infinity;
  for (const x of r) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return {
    id,
    size,
    count: r.length,
    mean: m.mean,
    std: stdOf(m, 'population'),
    sampleStd: r.length < 2 ? null : stdOf(m, 'sample'),
    min,
    max,
  };
}
