/**
 * Every options bag of the advantage module rejects a key it does not know, naming
 * the function, the argument, the key and the nearest valid one (issue 17:
 * `estimater: 'rloo'` ran grpo), and accepts every key it documents, the filter's
 * options in DynamicBatcher included. The valid sets are typed against the interfaces.
 */
import { describe, expect, it } from 'vitest';
import { DynamicBatcher, type DynamicBatcherOptions } from './dynamic-batcher.js';
import { dynamicSamplingFilter, type DynamicSamplingOptions } from './dynamic-sampling-filter.js';
import { groupAdvantages, type GroupAdvantagesOptions } from './group-advantages.js';
import { groupStats } from './group-stats.js';
import type { GroupBy } from './types.js';

type AllKeys<T> = { [K in keyof Required<T>]: undefined };
type Bag = Record<string, unknown>;

const rewards = [1, 0, 0.5, 0.5];

const advantageKeys: AllKeys<GroupAdvantagesOptions> = {
  groupSize: undefined,
  groupIds: undefined,
  estimator: undefined,
  preset: undefined,
  scale: undefined,
  eps: undefined,
  std: undefined,
  singleton: undefined,
  missing: undefined,
  lengths: undefined,
  whitenStd: undefined,
  whitenEps: undefined,
  whitenEpsMode: undefined,
  clipRange: undefined,
};
const groupByKeys: AllKeys<GroupBy> = { groupSize: undefined, groupIds: undefined };
const filterKeys: AllKeys<DynamicSamplingOptions> = {
  minStd: undefined,
  std: undefined,
  rule: undefined,
  range: undefined,
  keepSingletons: undefined,
};
const batcherKeys: AllKeys<DynamicBatcherOptions> = {
  ...filterKeys,
  batchSize: undefined,
  groupSize: undefined,
  maxRounds: undefined,
  overflow: undefined,
};

const unknown = (fn: string, key: string, nearest: string): string =>
  `${fn}: unknown option '${key}' in 'options' (did you mean '${nearest}'?); valid options: `;

function typeError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    return (e as TypeError).message;
  }
  throw new Error('expected a TypeError, nothing was thrown');
}

const entries: { fn: string; call: (bag: Bag) => unknown; valid: Bag; needed: Bag; typo: [string, unknown, string] }[] = [
  { fn: 'groupAdvantages', call: (o) => groupAdvantages(rewards, o as never), valid: advantageKeys, needed: { groupSize: 2 }, typo: ['estimater', 'rloo', 'estimator'] },
  { fn: 'groupStats', call: (o) => groupStats(rewards, o as never), valid: groupByKeys, needed: { groupSize: 2 }, typo: ['groupsize', 2, 'groupSize'] },
  { fn: 'dynamicSamplingFilter', call: (o) => dynamicSamplingFilter(rewards, 2, o), valid: filterKeys, needed: {}, typo: ['minstd', 0.1, 'minStd'] },
  {
    fn: 'DynamicBatcher',
    call: (o) => new DynamicBatcher(o as never),
    valid: batcherKeys,
    needed: { batchSize: 2, groupSize: 2 },
    typo: ['maxRound', 3, 'maxRounds'],
  },
];

describe('unknown option keys in the advantage module', () => {
  for (const { fn, call, valid, needed, typo } of entries) {
    it(`${fn} rejects '${typo[0]}', naming '${typo[2]}', and accepts each of its ${Object.keys(valid).length} options`, () => {
      const [key, value, nearest] = typo;
      const message = typeError(() => call({ ...needed, [key]: value }));
      expect(message.startsWith(unknown(fn, key, nearest)), message).toBe(true);
      expect(message.slice(unknown(fn, key, nearest).length).split(', ').sort()).toEqual(Object.keys(valid).sort());
      expect(() => call({ ...valid, ...needed })).not.toThrow();
    });
  }

  it("groupAdvantages: 'estimater: rloo' no longer runs grpo", () => {
    expect(typeError(() => groupAdvantages([1, 0, 0, 0], { groupSize: 4, estimater: 'rloo' } as never))).toBe(
      "groupAdvantages: unknown option 'estimater' in 'options' (did you mean 'estimator'?); valid options: " +
        'groupSize, groupIds, estimator, preset, scale, eps, std, singleton, missing, lengths, whitenStd, whitenEps, whitenEpsMode, clipRange',
    );
    // RLOO by hand: 1 - mean(0, 0, 0) = 1; 0 - mean(1, 0, 0) = -1/3.
    expect([...groupAdvantages([1, 0, 0, 0], { groupSize: 4, estimator: 'rloo' }).advantages]).toEqual([1, -1 / 3, -1 / 3, -1 / 3]);
  });

  it('a preset does not widen the set: its conventions are options, misspelled ones still rejected', () => {
    expect(() => groupAdvantages(rewards, { groupSize: 2, preset: 'verl', whiteEps: 1e-6 } as never)).toThrow(
      /^groupAdvantages: unknown option 'whiteEps' in 'options' \(did you mean 'whitenEps'\?\)/,
    );
    expect(() => groupAdvantages(rewards, { groupSize: 2, presets: 'trl' } as never)).toThrow(/did you mean 'preset'\?/);
  });

  it('dynamicSamplingFilter and DynamicBatcher: the same filter options, and the batcher rejects its own misspellings', () => {
    expect(() => dynamicSamplingFilter(rewards, 2, { batchSize: 2 } as never)).toThrow(/unknown option 'batchSize'/);
    expect(() => new DynamicBatcher({ batchSize: 2, groupSize: 2, minstd: 0.1 } as never)).toThrow(
      /^DynamicBatcher: unknown option 'minstd' in 'options' \(did you mean 'minStd'\?\)/,
    );
  });
});
