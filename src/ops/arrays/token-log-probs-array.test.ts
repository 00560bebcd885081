import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entropyFromLogitsArray } from './entropy-from-logits-array.js';
import { tokenLogProbsArray } from './token-log-probs-array.js';
import { overflowCases, type OverflowLogitsCase } from './_overflow-fixtures.js';

// Reference values: test/fixtures/ops/logits.json (scripts/gen_ops_fixtures.py, float64),
// for tokenLogProbsArray and entropyFromLogitsArray, which share the row checks.
interface LogitsCase {
  id: string;
  kind: string;
  shape: [number, number];
  logits: number[];
  ids: number[];
  expected: { logProbs: number[]; entropy: number[]; gradLogProbs: number[]; gradEntropy: number[] };
}
const cases = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/ops/logits.json'), 'utf8')) as { cases: LogitsCase[] }
).cases;

function expectClose(actual: number, expected: number, rel: number, abs: number, what: string): void {
  if (!(Math.abs(actual - expected) <= rel * Math.abs(expected) + abs)) expect.fail(`${what}: got ${actual}, expected ${expected}`);
}

describe('tokenLogProbsArray and entropyFromLogitsArray against the float64 fixtures', () => {
  it('covers large logits', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(
      new Set(['normal', 'offset-large', 'offset-negative', 'overflow-f32', 'peaked', 'equal', 'tiny-vocab']),
    );
  });

  it('matches number[] / Float64Array (1e-9) and Float32Array (1e-5) inputs', () => {
    for (const c of cases) {
      for (const [convert, rel] of [
        [(x: number[]) => x, 1e-9],
        [(x: number[]) => Float64Array.from(x), 1e-9],
        [(x: number[]) => Float32Array.from(x), 1e-5],
      ] as const) {
        const lp = tokenLogProbsArray(convert(c.logits), c.ids, c.shape);
        c.expected.logProbs.forEach((v, k) => expectClose(lp[k] as number, v, rel, 1e-12, `${c.id} logProbs[${k}]`));
        const h = entropyFromLogitsArray(convert(c.logits), c.shape);
        c.expected.entropy.forEach((v, k) => expectClose(h[k] as number, v, rel, 1e-12, `${c.id} entropy[${k}]`));
      }
    }
  });

  it('has fixture gradients (w.r.t. the logits) that central differences confirm', () => {
    const step = 1e-6;
    for (const c of cases) {
      const [rows, vocab] = c.shape;
      for (let k = 0; k < rows * vocab; k++) {
        const i = Math.floor(k / vocab);
        const f = (d: number) => {
          const z = c.logits.slice();
          z[k] = (z[k] as number) + d;
          return [tokenLogProbsArray(z, c.ids, c.shape)[i] as number, entropyFromLogitsArray(z, c.shape)[i] as number];
        };
        const [lpPlus, hPlus] = f(step) as [number, number];
        const [lpMinus, hMinus] = f(-step) as [number, number];
        // round-off of the +-step itself grows with |z| (ulp(1e4) ~ 2e-12)
        const abs = 1e-7 + (Math.abs(c.logits[k] as number) * 2e-16) / step;
        expectClose((lpPlus - lpMinus) / (2 * step), c.expected.gradLogProbs[k] as number, 1e-6, abs, `${c.id} d logp / d z[${k}]`);
        expectClose((hPlus - hMinus) / (2 * step), c.expected.gradEntropy[k] as number, 1e-6, abs, `${c.id} d H / d z[${k}]`);
      }
    }
  });
});

describe('tokenLogProbsArray', () => {
  it('computes the documented example and is stable for huge logits', () => {
    expect(Array.from(tokenLogProbsArray([0, 0, 1e4, 1e4], [1, 0], [2, 2]))).toEqual([-Math.LN2, -Math.LN2]);
    expect(tokenLogProbsArray([1e300, 0], [1], [1, 2])[0]).toBe(-1e300);
    expect(tokenLogProbsArray([-1e300, -1e300], [0], [1, 2])[0]).toBeCloseTo(-Math.LN2, 12);
  });

  it('allows -Infinity logits (probability 0)', () => {
    const out = tokenLogProbsArray([Number.NEGATIVE_INFINITY, 0, 0, Number.NEGATIVE_INFINITY], [1, 1], [2, 2]);
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => tokenLogProbsArray([0, 0, 0], [0], [1, 2])).toThrow(
      /tokenLogProbsArray: argument 'logits' has shape \[3\] \(flat\), but shape \[1, 2\] needs 2 elements/,
    );
    expect(() => tokenLogProbsArray([0, 0], [0, 1], [1, 2])).toThrow(/argument 'ids' has shape \[2\], but shape \[1, 2\] needs 1 ids/);
    expect(() => tokenLogProbsArray([0, 0], [2], [1, 2])).toThrow(/ids\[0\] is 2, expected an integer in \[0, 1\] \(V = 2\)/);
    expect(() => tokenLogProbsArray([0, 0], [0.5], [1, 2])).toThrow(/ids\[0\] is 0.5/);
    expect(() => tokenLogProbsArray([0, Number.NaN, 0, 0], [0, 0], [2, 2])).toThrow(/logits\[0, 1\] \(flat index 1\) is NaN/);
    expect(() => tokenLogProbsArray([0, 0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], [0, 0], [2, 2])).toThrow(
      /row 1 of 'logits' is all -Infinity/,
    );
    expect(() => tokenLogProbsArray([], [], [0, 0])).toThrow(/argument 'shape' \[0, 0\] needs V >= 1/);
    expect(() => tokenLogProbsArray([0], 'a' as never, [1, 1])).toThrow(/argument 'ids' must be/);
    expect(() => tokenLogProbsArray([0, 0], [-1], [1, 2])).toThrow(/ids\[0\] is -1, expected an integer in \[0, 1\]/);
    expect(() => tokenLogProbsArray([0, 0], [Number.NaN], [1, 2])).toThrow(/ids\[0\] is NaN, expected an integer/);
  });

  it('throws when a log-probability overflows, against the float64 edge fixtures', () => {
    for (const c of overflowCases<OverflowLogitsCase>('logits')) {
      const run = () => tokenLogProbsArray(c.logits, c.ids, c.shape);
      if (c.overflows.float64) {
        expect(run, c.id).toThrow(/^tokenLogProbsArray: the log-probability of row 0 overflowed to -Infinity/);
        continue;
      }
      const got = run();
      (c.expected as { logProbs: number[] }).logProbs.forEach((v, k) => expect(Math.abs((got[k] as number) - v), c.id).toBeLessThanOrEqual(1e-12 * Math.abs(v)));
    }
  });
});
