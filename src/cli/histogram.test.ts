import { describe, expect, it } from 'vitest';
import { histogram, stats } from './histogram.js';

describe('stats', () => {
  it('gives count, min, max, mean, median and p95', () => {
    expect(stats([3, 1, 2, 4])).toEqual({ count: 4, min: 1, max: 4, mean: 2.5, median: 2, p95: 4 });
    expect(stats([]).count).toBe(0);
  });
});

describe('histogram', () => {
  it('draws one line per bin, the fullest bin at full width', () => {
    const text = histogram('len', [1, 1, 1, 2, 3], 3, 6);
    expect(text.split('\n')).toEqual(['len: n=5 min=1 median=1 mean=1.6 p95=3 max=3', '  1-1 | 3 ######', '  2-2 | 1 ##', '  3-3 | 1 ##']);
  });
  it('is only the stats line when empty', () => {
    expect(histogram('len', [])).toBe('len: n=0 min=0 median=0 mean=0.0 p95=0 max=0');
  });
});
