import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { contiguousGroups, readRewards, shown } from './_groups.js';
import {
  FILTER_OPTION_KEYS,
  filterGroups,
  resolveFilter,
  type DynamicSamplingOptions,
  type ResolvedFilter,
} from './dynamic-sampling-filter.js';
import type { RewardInput } from './types.js';

/** Options of {@link DynamicBatcher}: the batch shape, the filter, and what to do with surplus. */
export interface DynamicBatcherOptions extends DynamicSamplingOptions {
  /** B, the number of groups (prompts) a batch holds. */
  readonly batchSize: number;
  /** G, the number of rollouts per group. */
  readonly groupSize: number;
  /**
   * Give up after this many rounds (`add` calls) without filling a batch: the add
   * that reaches it throws {@link DynamicSamplingError}. Counted from the last
   * `take()`. Default `Infinity` (verl's `max_num_gen_batches: 0`; DAPO's recipe uses 10).
   */
  readonly maxRounds?: number | undefined;
  /**
   * Kept groups beyond B when a round overfills the batch:
   * `'drop'` (default; verl `batch[:train_batch_size * n]`) discards them at `take()`,
   * `'carry'` (OpenRLHF keeps a sample buffer) starts the next batch with them.
   */
  readonly overflow?: 'drop' | 'carry' | undefined;
}

const OPTION_KEYS: readonly string[] = [
  ...optionKeys<Omit<DynamicBatcherOptions, keyof DynamicSamplingOptions>>({
    batchSize: true,
    groupSize: true,
    maxRounds: true,
    overflow: true,
  }),
  ...FILTER_OPTION_KEYS,
];

/** A group kept by {@link DynamicBatcher}. */
export interface KeptGroup<T> {
  /** The group's G rewards as given (`null` where missing). */
  readonly rewards: readonly (number | null)[];
  /** What the caller passed for this group in `add(rewards, items)`, if anything. */
  readonly item: T | undefined;
  /** The round (1-based, over the batcher's life) that produced it. */
  readonly round: number;
}

/** A full batch from {@link DynamicBatcher.take}. */
export interface DynamicBatch<T> {
  /** Exactly B groups, in the order they were kept. */
  readonly groups: readonly KeptGroup<T>[];
  /** The B x G rewards, flattened group after group (ready for `groupAdvantages(..., { groupSize: G })`). */
  readonly rewards: (number | null)[];
  /** The B items, one per group. */
  readonly items: (T | undefined)[];
}

/** What one {@link DynamicBatcher.add} did. */
export interface DynamicBatcherRound {
  /** Groups in this round. */
  readonly groups: number;
  /** Groups of this round that passed the filter. */
  readonly kept: number;
  /** Indices (within the round) of the groups kept. */
  readonly keptGroups: readonly number[];
  /** Whether the batcher now holds at least B groups. */
  readonly full: boolean;
}

/** Counters of a {@link DynamicBatcher}. */
export interface DynamicBatcherStats {
  /** Rounds added over the batcher's life. */
  readonly rounds: number;
  /** Rounds added since the last `take()` (what `maxRounds` limits). */
  readonly roundsThisBatch: number;
  /** Groups seen over the batcher's life. */
  readonly groupsSeen: number;
  /** Groups that passed the filter over the batcher's life. */
  readonly groupsKept: number;
  /** groupsKept / groupsSeen (0 before any group). */
  readonly passRate: number;
  /** Batches taken. */
  readonly batches: number;
  /** Kept groups discarded because a batch was already full (`overflow: 'drop'`). */
  readonly overflowDropped: number;
  /** Groups held now. */
  readonly held: number;
}

/**
 * Thrown by {@link DynamicBatcher.add} when `maxRounds` rounds have not filled a
 * batch: the data are probably too easy or too hard for the current policy.
 *
 * @example
 * ```ts
 * import { DynamicBatcher, DynamicSamplingError } from 'srl-kit/advantage';
 * const batcher = new DynamicBatcher({ batchSize: 2, groupSize: 2, maxRounds: 1 });
 * try {
 *   batcher.add([1, 1, 0, 0]);
 * } catch (e) {
 *   if (e instanceof DynamicSamplingError) console.log(e.rounds, e.held);
 *   //=> 1 0
 * }
 * ```
 */
export class DynamicSamplingError extends Error {
  /** Always `'DynamicSamplingError'`. */
  override readonly name = 'DynamicSamplingError';
  /** Rounds added since the last `take()`. */
  readonly rounds: number;
  /** Groups held. */
  readonly held: number;
  /** B, the groups a batch needs. */
  readonly batchSize: number;

  /**
   * Creates the error; the message says how far the batch got.
   * @param rounds - Rounds added since the last `take()`.
   * @param held - Groups held.
   * @param batchSize - Groups a batch needs.
   */
  constructor(rounds: number, held: number, batchSize: number) {
    super(
      `DynamicBatcher.add: ${rounds} round${rounds === 1 ? '' : 's'} kept ${held} of the ${batchSize} groups a batch needs ` +
        `(maxRounds ${rounds}); the prompts may be too easy or too hard, or the filter too strict`,
    );
    this.rounds = rounds;
    this.held = held;
    this.batchSize = batchSize;
  }
}

/**
 * Dynamic sampling's batch filler (SRL, DAPO): add rounds of scored groups, keep
 * the informative ones (see {@link dynamicSamplingFilter}), and take a batch of
 * exactly B groups once enough are held. Give up after `maxRounds` rounds.
 *
 * @typeParam T - Whatever the caller associates with a group (a prompt id, the prompt,
 *   the rollouts), passed to `add` and returned with the kept groups.
 * @example
 * ```ts
 * import { DynamicBatcher, groupAdvantages } from 'srl-kit/advantage';
 * const batcher = new DynamicBatcher<string>({ batchSize: 2, groupSize: 2, minStd: 0.1 });
 * batcher.add([1, 1, 0, 1], ['p1', 'p2']); // p1 all equal: dropped
 * batcher.full;
 * //=> false
 * batcher.add([0.3, 0.9, 0.5, 0.5], ['p3', 'p4']);
 * const batch = batcher.take();
 * batch.items;
 * //=> ['p2', 'p3']
 * groupAdvantages(batch.rewards, { groupSize: 2 }).advantages.length;
 * //=> 4
 * ```
 */
export class DynamicBatcher<T = undefined> {
  private readonly batchSize: number;
  private readonly groupSize: number;
  private readonly maxRounds: number;
  private readonly overflow: 'drop' | 'carry';
  private readonly filter: ResolvedFilter;
  private held: KeptGroup<T>[] = [];
  private rounds = 0;
  private roundsThisBatch = 0;
  private groupsSeen = 0;
  private groupsKept = 0;
  private batches = 0;
  private overflowDropped = 0;

  /**
   * Creates an empty batcher.
   * @param options - B, G, the filter (default: population std > 0) and the limits.
   * @throws RangeError or TypeError naming the option that is not valid; TypeError for a key
   *   that is not an option (naming the nearest one: `batchsize` -> `batchSize`).
   */
  constructor(options: DynamicBatcherOptions) {
    const fn = 'DynamicBatcher';
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(
        `${fn}: argument 'options' must be an object with 'batchSize' and 'groupSize', got ${describeType(options)}`,
      );
    }
    assertKnownKeys(options, OPTION_KEYS, fn);
    for (const name of ['batchSize', 'groupSize'] as const) {
      const v: unknown = options[name];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
        throw new RangeError(`${fn}: argument 'options.${name}' must be a positive integer, got ${shown(v)}`);
      }
    }
    const maxRounds: unknown = options.maxRounds ?? Infinity;
    if (typeof maxRounds !== 'number' || !(maxRounds === Infinity || (Number.isSafeInteger(maxRounds) && maxRounds >= 1))) {
      throw new RangeError(`${fn}: argument 'options.maxRounds' must be a positive integer or Infinity, got ${shown(maxRounds)}`);
    }
    const overflow: unknown = options.overflow ?? 'drop';
    if (overflow !== 'drop' && overflow !== 'carry') {
      throw new TypeError(`${fn}: option 'overflow' must be 'drop' or 'carry', got ${shown(overflow)}`);
    }
    this.batchSize = options.batchSize;
    this.groupSize = options.groupSize;
    this.maxRounds = maxRounds;
    this.overflow = overflow;
    this.filter = resolveFilter(options, fn, OPTION_KEYS);
  }

  /**
   * Whether a full batch is held (at least B groups).
   * @example
   * ```ts
   * new DynamicBatcher({ batchSize: 1, groupSize: 2 }).full;
   * //=> false
   * ```
   */
  get full(): boolean {
    return this.held.length >= this.batchSize;
  }

  /**
   * Counters since the batcher was made.
   * @example
   * ```ts
   * const b = new DynamicBatcher({ batchSize: 4, groupSize: 2 });
   * b.add([0, 1, 1, 1]);
   * b.stats.passRate;
   * //=> 0.5
   * ```
   */
  get stats(): DynamicBatcherStats {
    return {
      rounds: this.rounds,
      roundsThisBatch: this.roundsThisBatch,
      groupsSeen: this.groupsSeen,
      groupsKept: this.groupsKept,
      passRate: this.groupsSeen === 0 ? 0 : this.groupsKept / this.groupsSeen,
      batches: this.batches,
      overflowDropped: this.overflowDropped,
      held: this.held.length,
    };
  }

  /**
   * Adds one round of scored groups: `rewards` holds whole groups of G rollouts,
   * one after the other, and `items` (optional) one entry per group.
   *
   * @param rewards - The round's rewards, group after group; `null` or `NaN` when missing.
   * @param items - One value per group, returned with the kept groups.
   * @returns How many groups of this round were kept and whether the batch is full.
   * @throws RangeError when `rewards` is not whole groups or `items` has the wrong
   *   length; Error when the batch is already full (call `take()` first).
   * @throws DynamicSamplingError when this round is the `maxRounds`-th since the last
   *   `take()` and the batch is still not full (the round's groups are kept).
   * @example
   * ```ts
   * const b = new DynamicBatcher({ batchSize: 2, groupSize: 3 });
   * b.add([0, 0, 0, 0, 1, 1]);
   * //=> { groups: 2, kept: 1, keptGroups: [1], full: false }
   * ```
   */
  add(rewards: RewardInput, items?: readonly T[]): DynamicBatcherRound {
    const fn = 'DynamicBatcher.add';
    if (this.full) {
      throw new Error(
        `${fn}: the batcher already holds a full batch (${this.held.length} of ${this.batchSize} groups); call take() first`,
      );
    }
    const read = readRewards(rewards, fn);
    contiguousGroups(read.values.length, this.groupSize, fn, 'groupSize');
    const groups = read.values.length / this.groupSize;
    if (items !== undefined) {
      if (!Array.isArray(items)) throw new TypeError(`${fn}: argument 'items' must be an array, got ${describeType(items)}`);
      if (items.length !== groups) {
        throw new RangeError(
          `${fn}: argument 'items' has ${items.length} entries but the round has ${groups} groups of ${this.groupSize}`,
        );
      }
    }
    const result = filterGroups(read, this.groupSize, this.filter, fn);
    this.rounds++;
    this.roundsThisBatch++;
    this.groupsSeen += groups;
    this.groupsKept += result.kept;
    for (const g of result.keptGroups) {
      const r: (number | null)[] = [];
      for (let i = g * this.groupSize; i < (g + 1) * this.groupSize; i++) {
        r.push(read.present[i] === 1 ? (read.values[i] as number) : null);
      }
      this.held.push({ rewards: r, item: items === undefined ? undefined : items[g], round: this.rounds });
    }
    if (!this.full && this.roundsThisBatch >= this.maxRounds) {
      throw new DynamicSamplingError(this.roundsThisBatch, this.held.length, this.batchSize);
    }
    return { groups, kept: result.kept, keptGroups: result.keptGroups, full: this.full };
  }

  /**
   * Takes exactly B groups, in the order they were kept. The surplus of an
   * overfilled batch is dropped or carried into the next batch (`overflow`); the
   * round count for `maxRounds` starts again.
   *
   * @returns The batch: its groups, their flattened rewards and their items.
   * @throws Error when fewer than B groups are held (check `full`).
   * @example
   * ```ts
   * const b = new DynamicBatcher({ batchSize: 1, groupSize: 2 });
   * b.add([0, 1]);
   * b.take().rewards;
   * //=> [0, 1]
   * ```
   */
  take(): DynamicBatch<T> {
    if (!this.full) {
      throw new Error(
        `DynamicBatcher.take: holds ${this.held.length} of the ${this.batchSize} groups a batch needs; add rounds until 'full' is true`,
      );
    }
    const groups = this.held.slice(0, this.batchSize);
    const rest = this.held.slice(this.batchSize);
    if (this.overflow === 'drop') {
      this.overflowDropped += rest.length;
      this.held = [];
    } else {
      this.held = rest;
    }
    this.batches++;
    this.roundsThisBatch = 0;
    return { groups, rewards: groups.flatMap((g) => g.rewards), items: groups.map((g) => g.item) };
  }

  /**
   * Drops every group held and restarts the round count (the counters of `stats` stay).
   * @example
   * ```ts
   * const b = new DynamicBatcher({ batchSize: 2, groupSize: 2 });
   * b.add([0, 1]);
   * b.reset();
   * b.stats.held;
   * //=> 0
   * ```
   */
  reset(): void {
    this.held = [];
    this.roundsThisBatch = 0;
  }
}
