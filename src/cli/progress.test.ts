import { describe, expect, it } from 'vitest';
import { createProgress, eta } from './progress.js';

describe('eta', () => {
  it('extrapolates the rate so far', () => {
    expect(eta(25, 100, 10_000)).toBe('30s'); // a quarter in 10 s: 30 s left
    expect(eta(1, 3, 1_000)).toBe('2s');
    expect(eta(1, 10, 10_000)).toBe('1m30s'); // 90 s
    expect(eta(1, 100, 65_000)).toBe('1h47m'); // 6435 s
    expect(eta(999, 1000, 1_000)).toBe('1s'); // rounded up, never 0s before the end
  });
  it('is 0s at the end and ? before any progress', () => {
    expect(eta(100, 100, 5)).toBe('0s');
    expect(eta(0, 100, 5_000)).toBe('?');
    expect(eta(5, 100, 0)).toBe('?');
  });
});

describe('createProgress', () => {
  it('draws nothing and does nothing when the stream is not a TTY', () => {
    let written = '';
    const stream = { isTTY: false, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    const p = createProgress('rows', { total: 10, stream });
    p.increment(3);
    p.advance(5);
    p.stop();
    expect(written).toBe('');
  });
});
