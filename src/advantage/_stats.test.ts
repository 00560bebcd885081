import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum, moments, stdOf } from './_stats.js';

const fsum = (xs: readonly number[]) => {
  const s = new ExactSum();
  for (const x of xs) s.add(x);
  return s.value();
};

describe('ExactSum', () => {
  it('is correctly rounded, as math.fsum', () => {
    // python3: math.fsum([0.1] * 10) == 1.0, sum([0.1] * 10) == 0.9999999999999999
    expect(fsum(Array(10).fill(0.1))).toBe(1);
    // python3: math.fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]) == 1e-100
    expect(fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50])).toBe(1e-100);
    // python3: math.fsum([2.0**53, -0.5, -2.0**-54]) == 9007199254740991.0 (half-even correction)
    expect(fsum([2 ** 53, -0.5, -(2 ** -54)])).toBe(9007199254740991);
    // python3: math.fsum([0.3, 0.1, 0.2]) == 0.6
    expect(fsum([0.3, 0.1, 0.2])).toBe(0.6);
    expect(fsum([])).toBe(0);
  });

  it('does not depend on the order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true })), (xs) => {
        expect(Object.is(fsum(xs), fsum([...xs].reverse()))).toBe(true);
      }),
    );
  });

  it('turns an overflow into NaN', () => {
    expect(fsum([1.7e308, 1.7e308])).toBeNaN();
    expect(fsum([1, Infinity])).toBeNaN();
  });
});

describe('moments and stdOf', () => {
  it('gives equal values their exact mean and a spread of 0', () => {
    const m = moments([0.1, 0.1, 0.1], undefined, 'f');
    expect(m).toEqual({ count: 3, mean: 0.1, sumSq: 0, allEqual: true });
    expect(stdOf(m, 'sample')).toBe(0);
  });

  it('weights by repeat counts and ignores weight 0', () => {
    const m = moments([1, 0, 5], [1, 3, 0], 'f');
    expect(m.count).toBe(4);
    expect(m.mean).toBe(0.25);
    expect(m.sumSq).toBe(0.75);
    expect(moments([2, 7], [1, 0], 'f')).toMatchObject({ mean: 2, sumSq: 0, allEqual: true });
  });

  it('sample and population std; too few values give 0', () => {
    const m = moments([1, 0], undefined, 'f');
    expect(stdOf(m, 'population')).toBe(0.5);
    expect(stdOf(m, 'sample')).toBe(Math.SQRT1_2);
    expect(stdOf(moments([3], undefined, 'f'), 'sample')).toBe(0);
    expect(stdOf(moments([], undefined, 'f'), 'population')).toBe(0);
  });

  it('throws a RangeError naming the caller on overflow', () => {
    expect(() => moments([1e200, -1e200], undefined, 'myFn')).toThrow(/myFn: the rewards are too large/);
  });
});
