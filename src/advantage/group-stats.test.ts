import { describe, expect, it } from 'vitest';
import { groupStats } from './group-stats.js';

describe('groupStats', () => {
  it('is the documented example', () => {
    expect(groupStats([1, 0, null, 0.5, 0.5, 0.5], { groupSize: 3 })).toEqual([
      { id: 0, size: 3, count: 2, mean: 0.5, std: 0.5, sampleStd: 0.7071067811865476, min: 0, max: 1 },
      { id: 1, size: 3, count: 3, mean: 0.5, std: 0, sampleStd: 0, min: 0.5, max: 0.5 },
    ]);
  });

  it('orders groupIds groups by first appearance and reports their ids', () => {
    const s = groupStats([1, 2, 3, 4, 5], { groupIds: [9, -2, 9, -2, 40] });
    expect(s.map((g) => [g.id, g.size, g.mean])).toEqual([
      [9, 2, 2],
      [-2, 2, 3],
      [40, 1, 5],
    ]);
  });

  it('gives null for what is undefined: a group with no reward, the sample std of one', () => {
    expect(groupStats([null, Number.NaN, 0.25, null], { groupSize: 2 })).toEqual([
      { id: 0, size: 2, count: 0, mean: null, std: null, sampleStd: null, min: null, max: null },
      { id: 1, size: 2, count: 1, mean: 0.25, std: 0, sampleStd: null, min: 0.25, max: 0.25 },
    ]);
  });

  it('gives equal rewards a std of exactly 0 (np.std([0.1] * 3) is 1.3877787807814457e-17)', () => {
    expect(groupStats([0.1, 0.1, 0.1], { groupSize: 3 })[0]).toMatchObject({ mean: 0.1, std: 0, sampleStd: 0 });
  });

  it('rejects bad input like groupAdvantages', () => {
    expect(() => groupStats([1, 2, 3], { groupSize: 2 })).toThrow(/groupStats: argument 'options.groupSize' \(2\) does not divide/);
    expect(() => groupStats([1, Infinity], { groupSize: 1 })).toThrow(/groupStats: rewards\[1\] is Infinity/);
    expect(() => groupStats([1], undefined as never)).toThrow(/groupStats: argument 'options' must be an object/);
  });
});
