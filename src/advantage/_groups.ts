import { optionKeys } from '../_lib/options.js';
import { describeType } from '../_lib/describe.js';
import type { GroupBy } from './types.js';

/** The keys of {@link GroupBy}. @internal */
export const GROUP_BY_KEYS = optionKeys<GroupBy>({ groupSize: true, groupIds: true });

/** Rewards after validation: NaN marks a missing reward. @internal */
export interface ReadRewards {
  readonly values: Float64Array;
  readonly present: Uint8Array;
  readonly missing: number;
}

/** Groups after validation. @internal */
export interface ResolvedGroups {
  /** group -> rollout indices, in input order. */
  readonly members: readonly (readonly number[])[];
  /** group -> its id (the `groupIds` value, or the group's index for `groupSize`). */
  readonly ids: readonly number[];
}

/**
 * A value as error messages show it: numbers as written, strings quoted, anything
 * else by its type name.
 * @internal
 */
export function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return describeType(value);
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Checks `rewards`: an array or typed array whose entries are finite numbers,
 * `null` or `NaN` (missing). Infinite rewards are refused.
 * @internal
 */
export function readRewards(rewards: unknown, fn: string, arg = 'rewards'): ReadRewards {
  if (!isArrayLike(rewards)) {
    throw new TypeError(`${fn}: argument '${arg}' must be an array or a typed array of numbers, got ${describeType(rewards)}`);
  }
  const n = rewards.length;
  const values = new Float64Array(n);
  const present = new Uint8Array(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const r = rewards[i];
    if (r === null || (typeof r === 'number' && Number.isNaN(r))) {
      values[i] = Number.NaN;
      missing++;
      continue;
    }
    if (typeof r !== 'number') {
      throw new TypeError(`${fn}: ${arg}[${i}] must be a number, null or NaN (missing), got ${describeType(r)}`);
    }
    if (!Number.isFinite(r)) {
      throw new RangeError(`${fn}: ${arg}[${i}] is ${r}, expected a finite number (use null or NaN for a missing reward)`);
    }
    values[i] = r;
    present[i] = 1;
  }
  return { values, present, missing };
}

/**
 * Checks `groupSize` (a positive integer dividing the number of rollouts) or
 * `groupIds` (one integer per rollout) and returns the members of each group.
 * @internal
 */
export function resolveGroups(n: number, by: unknown, fn: string): ResolvedGroups {
  if (by === null || typeof by !== 'object') {
    throw new TypeError(`${fn}: options must be an object with 'groupSize' or 'groupIds', got ${describeType(by)}`);
  }
  const { groupSize, groupIds } = by as { groupSize?: unknown; groupIds?: unknown };
  if ((groupSize === undefined) === (groupIds === undefined)) {
    throw new TypeError(
      `${fn}: give exactly one of options 'groupSize' and 'groupIds', got ${groupSize === undefined ? 'neither' : 'both'}`,
    );
  }
  if (groupSize !== undefined) return contiguousGroups(n, groupSize, fn);
  return groupsFromIds(n, groupIds, fn);
}

/** Contiguous groups of `groupSize`. @internal */
export function contiguousGroups(n: number, groupSize: unknown, fn: string, arg = 'options.groupSize'): ResolvedGroups {
  if (typeof groupSize !== 'number' || !Number.isSafeInteger(groupSize) || groupSize < 1) {
    throw new RangeError(`${fn}: argument '${arg}' must be a positive integer, got ${shown(groupSize)}`);
  }
  if (n % groupSize !== 0) {
    throw new RangeError(
      `${fn}: argument '${arg}' (${groupSize}) does not divide the number of rewards (${n}); ` +
        `the last group would have ${n % groupSize} rollout${n % groupSize === 1 ? '' : 's'}`,
    );
  }
  const members: number[][] = [];
  const ids: number[] = [];
  for (let start = 0, g = 0; start < n; start += groupSize, g++) {
    const m: number[] = [];
    for (let i = start; i < start + groupSize; i++) m.push(i);
    members.push(m);
    ids.push(g);
  }
  return { members, ids };
}

function groupsFromIds(n: number, groupIds: unknown, fn: string): ResolvedGroups {
  if (!isArrayLike(groupIds)) {
    throw new TypeError(
      `${fn}: argument 'options.groupIds' must be an array or a typed array of integers, got ${describeType(groupIds)}`,
    );
  }
  if (groupIds.length !== n) {
    throw new RangeError(`${fn}: argument 'options.groupIds' has ${groupIds.length} entries but there are ${n} rewards`);
  }
  const index = new Map<number, number>();
  const members: number[][] = [];
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = groupIds[i];
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      throw new TypeError(`${fn}: groupIds[${i}] must be an integer, got ${typeof id === 'number' ? String(id) : describeType(id)}`);
    }
    const key = id === 0 ? 0 : id; // -0 and 0 are the same group
    let g = index.get(key);
    if (g === undefined) {
      g = members.length;
      index.set(key, g);
      members.push([]);
      ids.push(key);
    }
    (members[g] as number[]).push(i);
  }
  return { members, ids };
}

/**
 * Checks `lengths` (|o_i|, the number of valid tokens of each rollout): one finite
 * number >= 0 per reward.
 * @internal
 */
export function readLengths(lengths: unknown, n: number, fn: string): Float64Array {
  if (!isArrayLike(lengths)) {
    throw new TypeError(
      `${fn}: argument 'options.lengths' must be an array or a typed array of numbers, got ${describeType(lengths)}`,
    );
  }
  if (lengths.length !== n) {
    throw new RangeError(`${fn}: argument 'options.lengths' has ${lengths.length} entries but there are ${n} rewards`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = lengths[i];
    if (typeof l !== 'number' || !Number.isFinite(l) || l < 0) {
      throw new RangeError(`${fn}: lengths[${i}] must be a finite number >= 0 (a token count), got ${shown(l)}`);
    }
    out[i] = l;
  }
  return out;
}
