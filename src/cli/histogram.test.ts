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
  it('has no empty bins past the maximum when the bin size rounds up', () => {
    // 81 integers (44..124) in at most 10 bins: size ceil(81 / 10) = 9, so 9 bins reach 124.
    const lines = histogram('len', [44, 124], 10, 4).split('\n');
    expect(lines.slice(1).map((l) => l.split('|')[0]?.trim())).toEqual([
      '44-52', '53-61', '62-70', '71-79', '80-88', '89-97', '98-106', '107-115', '116-124',
    ]);
    expect(lines.at(-1)).toBe('  116-124 | 1 ####');
  });
  it('is only the stats line when empty', () => {
    expect(histogram('len', [])).toBe('len: n=0 min=0 median=0 mean=0.0 p95=0 max=0');
  });
});
