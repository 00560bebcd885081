import { describe, expect, it } from 'vitest';
import { dynamicSamplingFilter } from './dynamic-sampling-filter.js';

describe('dynamicSamplingFilter', () => {
  it('is the documented example', () => {
    const r = dynamicSamplingFilter([1, 1, 0, 1, 0.2, 0.25], 2, { minStd: 0.05 });
    expect(r).toEqual({ keep: [false, true, false], keptGroups: [1], keptIndices: [2, 3], groups: 3, kept: 1, passRate: 1 / 3 });
    expect(dynamicSamplingFilter([1, 1, 0, 1], 2, { rule: 'range' }).keptGroups).toEqual([1]);
  });

  it("DAPO's rule by default: population std > 0", () => {
    expect(dynamicSamplingFilter([0, 0, 0, 1, 1, 1, 1, 1], 4).keep).toEqual([true, false]);
    // the SRL paper's rule with an epsilon: population std of [0.5, 0.6] is 0.05 (not > 0.05)
    expect(dynamicSamplingFilter([0.5, 0.6, 0.5, 0.7], 2, { minStd: 0.05 }).keep).toEqual([false, true]);
    // sample std of [0.5, 0.6] is 0.0707...
    expect(dynamicSamplingFilter([0.5, 0.6], 2, { minStd: 0.05, std: 'sample' }).keep).toEqual([true]);
  });

  it('drops equal rewards whatever their value (numpy can leave 1e-17 of std there)', () => {
    expect(dynamicSamplingFilter([0.1, 0.1, 0.1, 0.8, 0.8, 0.8], 3).keep).toEqual([false, false]);
  });

  it('keeps a group of one (verl filter_groups) unless asked not to; drops an all-missing group', () => {
    expect(dynamicSamplingFilter([0.3, 1], 1).keep).toEqual([true, true]);
    expect(dynamicSamplingFilter([0.3, 1], 1, { keepSingletons: false }).keep).toEqual([false, false]);
    expect(dynamicSamplingFilter([null, 1, null, null, 0, 1], 2).keep).toEqual([true, false, true]);
    expect(dynamicSamplingFilter([null, 1, null, null], 2, { keepSingletons: false }).keep).toEqual([false, false]);
  });

  it("OpenRLHF's range rule: low < mean < high, singletons included", () => {
    expect(dynamicSamplingFilter([0, 0, 1, 0, 1, 1], 2, { rule: 'range' }).keep).toEqual([false, true, false]);
    expect(dynamicSamplingFilter([0.9, 0.9, 0.5, 0.3], 2, { rule: 'range', range: [0.2, 0.8] }).keep).toEqual([false, true]);
    expect(dynamicSamplingFilter([1, 0.5], 1, { rule: 'range' }).keep).toEqual([false, true]);
  });

  it('keptIndices lists the rollouts of kept groups; an empty batch passes nothing', () => {
    expect(dynamicSamplingFilter([1, 0, 1, 1, 0, 1], 2).keptIndices).toEqual([0, 1, 4, 5]);
    expect(dynamicSamplingFilter([], 4)).toEqual({ keep: [], keptGroups: [], keptIndices: [], groups: 0, kept: 0, passRate: 0 });
  });

  it('rejects bad arguments with errors naming them', () => {
    expect(() => dynamicSamplingFilter([1, 2, 3], 2)).toThrow(/dynamicSamplingFilter: argument 'groupSize' \(2\) does not divide the number of rewards \(3\)/);
    expect(() => dynamicSamplingFilter([1, 2], 0)).toThrow(/argument 'groupSize' must be a positive integer, got 0/);
    expect(() => dynamicSamplingFilter([1, 'x' as never], 1)).toThrow(/dynamicSamplingFilter: rewards\[1\] must be a number/);
    expect(() => dynamicSamplingFilter([1, 2], 2, { minStd: -0.1 })).toThrow(/'options.minStd' must be a finite number >= 0, got -0.1/);
    expect(() => dynamicSamplingFilter([1, 2], 2, { std: 'both' as never })).toThrow(/option 'std' must be 'population' or 'sample'/);
    expect(() => dynamicSamplingFilter([1, 2], 2, { rule: 'mean' as never })).toThrow(/option 'rule' must be 'std' or 'range'/);
    expect(() => dynamicSamplingFilter([1, 2], 2, { range: [1, 0] })).toThrow(/'options.range' must be two finite numbers \[low, high\] with low < high, got \[1,0\]/);
    expect(() => dynamicSamplingFilter([1, 2], 2, { keepSingletons: 1 as never })).toThrow(/option 'keepSingletons' must be a boolean/);
    expect(() => dynamicSamplingFilter([1, 2], 2, 'x' as never)).toThrow(/argument 'options' must be an object or undefined/);
  });
});
