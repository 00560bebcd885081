import { describe, expect, it } from 'vitest';
import { DynamicBatcher, DynamicSamplingError } from './dynamic-batcher.js';
import { groupAdvantages } from './group-advantages.js';

describe('DynamicBatcher', () => {
  it('is the documented example', () => {
    const batcher = new DynamicBatcher<string>({ batchSize: 2, groupSize: 2, minStd: 0.1 });
    expect(batcher.add([1, 1, 0, 1], ['p1', 'p2'])).toEqual({ groups: 2, kept: 1, keptGroups: [1], full: false });
    expect(batcher.full).toBe(false);
    batcher.add([0.3, 0.9, 0.5, 0.5], ['p3', 'p4']);
    expect(batcher.full).toBe(true);
    const batch = batcher.take();
    expect(batch.items).toEqual(['p2', 'p3']);
    expect(batch.rewards).toEqual([0, 1, 0.3, 0.9]);
    expect(batch.groups.map((g) => g.round)).toEqual([1, 2]);
    expect(groupAdvantages(batch.rewards, { groupSize: 2 }).advantages.length).toBe(4);
  });

  it('takes exactly B groups; the surplus is dropped by default (verl) or carried (OpenRLHF)', () => {
    const round = [0, 1, 1, 0, 0, 1, 1, 0, 0, 1]; // five informative groups of 2
    const items = ['a', 'b', 'c', 'd', 'e'];
    const drop = new DynamicBatcher<string>({ batchSize: 2, groupSize: 2 });
    drop.add(round, items);
    expect(drop.take().items).toEqual(['a', 'b']);
    expect(drop.full).toBe(false);
    expect(drop.stats).toMatchObject({ overflowDropped: 3, held: 0, batches: 1 });

    const carry = new DynamicBatcher<string>({ batchSize: 2, groupSize: 2, overflow: 'carry' });
    carry.add(round, items);
    expect(carry.take().items).toEqual(['a', 'b']);
    expect(carry.full).toBe(true);
    expect(carry.take().items).toEqual(['c', 'd']);
    expect(carry.full).toBe(false);
    expect(carry.stats).toMatchObject({ overflowDropped: 0, held: 1, batches: 2 });
  });

  it('keeps rewards with null where missing and items undefined when none were given', () => {
    const b = new DynamicBatcher({ batchSize: 1, groupSize: 3 });
    b.add([Number.NaN, 0, 1]);
    const batch = b.take();
    expect(batch.rewards).toEqual([null, 0, 1]);
    expect(batch.items).toEqual([undefined]);
  });

  it('throws DynamicSamplingError on the maxRounds-th round without a full batch, counting from the last take', () => {
    const b = new DynamicBatcher({ batchSize: 2, groupSize: 2, maxRounds: 2 });
    b.add([1, 1, 0, 1]);
    let error: unknown;
    try {
      b.add([0, 0, 1, 1]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DynamicSamplingError);
    expect(error).toMatchObject({ name: 'DynamicSamplingError', rounds: 2, held: 1, batchSize: 2 });
    expect((error as Error).message).toMatch(/DynamicBatcher.add: 2 rounds kept 1 of the 2 groups a batch needs \(maxRounds 2\)/);
    // The round that filled nothing is still counted; a full batch resets the count.
    b.add([0, 1, 0, 0]);
    expect(b.full).toBe(true);
    b.take();
    expect(b.stats.roundsThisBatch).toBe(0);
    b.add([0, 1, 0, 0]);
    expect(() => b.add([0, 0, 0, 0])).toThrow(DynamicSamplingError);
  });

  it('reports rounds, groups seen and kept, and the pass rate', () => {
    const b = new DynamicBatcher({ batchSize: 4, groupSize: 2 });
    b.add([0, 1, 1, 1]);
    b.add([0.5, 0.5, 0.2, 0.4, 1, 0]);
    expect(b.stats).toEqual({
      rounds: 2,
      roundsThisBatch: 2,
      groupsSeen: 5,
      groupsKept: 3,
      passRate: 0.6,
      batches: 0,
      overflowDropped: 0,
      held: 3,
    });
    expect(new DynamicBatcher({ batchSize: 1, groupSize: 1 }).stats.passRate).toBe(0);
  });

  it('filters with the options of dynamicSamplingFilter (population std by default)', () => {
    const srl = new DynamicBatcher({ batchSize: 1, groupSize: 2, minStd: 0.05 });
    srl.add([0.5, 0.6]); // population std 0.05: not above
    expect(srl.full).toBe(false);
    const sample = new DynamicBatcher({ batchSize: 1, groupSize: 2, minStd: 0.05, std: 'sample' });
    sample.add([0.5, 0.6]);
    expect(sample.full).toBe(true);
    const range = new DynamicBatcher({ batchSize: 1, groupSize: 2, rule: 'range' });
    range.add([1, 1, 1, 0]);
    expect(range.take().rewards).toEqual([1, 0]);
  });

  it('reset drops what is held and restarts the round count', () => {
    const b = new DynamicBatcher({ batchSize: 2, groupSize: 2, maxRounds: 2 });
    b.add([0, 1]);
    b.reset();
    expect(b.stats).toMatchObject({ held: 0, roundsThisBatch: 0, rounds: 1 });
    b.add([0, 1]); // first round of the new count: no error
  });

  it('refuses misuse with errors naming the argument', () => {
    const b = new DynamicBatcher({ batchSize: 1, groupSize: 2 });
    expect(() => b.take()).toThrow(/DynamicBatcher.take: holds 0 of the 1 groups a batch needs/);
    expect(() => b.add([0, 1, 1])).toThrow(/DynamicBatcher.add: argument 'groupSize' \(2\) does not divide the number of rewards \(3\)/);
    expect(() => b.add([0, 1], [1, 2] as never)).toThrow(/argument 'items' has 2 entries but the round has 1 groups of 2/);
    expect(() => b.add([0, Infinity])).toThrow(/DynamicBatcher.add: rewards\[1\] is Infinity/);
    b.add([0, 1]);
    expect(() => b.add([0, 1])).toThrow(/already holds a full batch \(1 of 1 groups\); call take\(\) first/);
    expect(() => new DynamicBatcher({ batchSize: 0, groupSize: 2 })).toThrow(/'options.batchSize' must be a positive integer, got 0/);
    expect(() => new DynamicBatcher({ batchSize: 2 } as never)).toThrow(/'options.groupSize' must be a positive integer, got undefined/);
    expect(() => new DynamicBatcher({ batchSize: 2, groupSize: 2, maxRounds: 0 })).toThrow(/'options.maxRounds' must be a positive integer or Infinity, got 0/);
    expect(() => new DynamicBatcher({ batchSize: 2, groupSize: 2, overflow: 'keep' as never })).toThrow(/option 'overflow' must be 'drop' or 'carry'/);
    expect(() => new DynamicBatcher({ batchSize: 2, groupSize: 2, minStd: Number.NaN })).toThrow(/DynamicBatcher: argument 'options.minStd'/);
    expect(() => new DynamicBatcher(undefined as never)).toThrow(/DynamicBatcher: argument 'options' must be an object/);
  });
});
