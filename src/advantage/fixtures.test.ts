/**
 * Parity with float64 references written by scripts/gen_advantage_fixtures.py (Python,
 * standard library): the rl-reference formulas, cross-checked there against
 * transcriptions of verl's, TRL's and OpenRLHF's code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dynamicSamplingFilter, type DynamicSamplingOptions } from './dynamic-sampling-filter.js';
import { groupAdvantages, type GroupAdvantagesOptions } from './group-advantages.js';
import { groupStats, type GroupStats } from './group-stats.js';
import type { GroupBy } from './types.js';

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, '../../test/fixtures/advantage', name), 'utf8')) as T;
}

interface Input {
  rewards: (number | null)[];
  groupSize?: number;
  groupIds?: number[];
  lengths?: number[];
}
interface AdvantageCase {
  id: string;
  category: string;
  input: number;
  options: Record<string, unknown>;
  checkedAgainst?: string;
  expected: {
    advantages: number[];
    report: {
      rollouts: number;
      groups: number;
      missing: number;
      emptyGroups: number;
      singletonGroups: number;
      zeroStdGroups: number;
      batchStd?: number;
      alpha?: number;
      whiten?: { mean: number; std: number; tokens: number };
    };
  };
}

const TOL = 1e-12;
/** |a - e| <= 1e-12 * max(1, |e|): relative, with values below 1 compared absolutely. */
function mismatch(actual: ArrayLike<number>, expected: readonly number[]): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= TOL * Math.max(1, Math.abs(e)))) return `[${i}] ${a} != ${e}`;
  }
  return null;
}

function grouping(input: Input): GroupBy {
  return input.groupSize !== undefined ? { groupSize: input.groupSize } : { groupIds: input.groupIds as number[] };
}

describe('groupAdvantages matches the Python float64 reference', () => {
  const { inputs, cases } = fixture<{ inputs: Input[]; cases: AdvantageCase[] }>('advantages.json');

  it('has the expected fixture size', () => {
    expect(cases.length).toBeGreaterThan(1000);
    expect(cases.filter((c) => c.checkedAgainst !== undefined).length).toBeGreaterThan(300);
  });

  it.each(['grpo', 'rloo', 'reinforce_baseline', 'opo', 'gpg'])('%s: every case to 1e-12', (estimator) => {
    const failures: string[] = [];
    for (const c of cases.filter((x) => x.options['estimator'] === estimator)) {
      const input = inputs[c.input] as Input;
      const options = {
        ...grouping(input),
        ...(input.lengths !== undefined ? { lengths: input.lengths } : {}),
        ...c.options,
      } as GroupAdvantagesOptions;
      const { advantages, report } = groupAdvantages(input.rewards, options);
      const bad = mismatch(advantages, c.expected.advantages);
      if (bad !== null) failures.push(`${c.id}: ${bad}`);
      const e = c.expected.report;
      const counts = [report.rollouts, report.groups, report.missing, report.emptyGroups, report.singletonGroups, report.zeroStdGroups];
      const want = [e.rollouts, e.groups, e.missing, e.emptyGroups, e.singletonGroups, e.zeroStdGroups];
      if (counts.join() !== want.join()) failures.push(`${c.id}: report counts ${counts.join()} != ${want.join()}`);
      const extra = (a: number | undefined, b: number | undefined, what: string) => {
        if ((a === undefined) !== (b === undefined) || (b !== undefined && mismatch([a as number], [b]) !== null)) {
          failures.push(`${c.id}: report.${what} ${a} != ${b}`);
        }
      };
      extra(report.batchStd, e.batchStd, 'batchStd');
      extra(report.alpha, e.alpha, 'alpha');
      extra(report.whiten?.mean, e.whiten?.mean, 'whiten.mean');
      extra(report.whiten?.std, e.whiten?.std, 'whiten.std');
      extra(report.whiten?.tokens, e.whiten?.tokens, 'whiten.tokens');
    }
    expect(failures).toEqual([]);
  });
});

describe('groupStats matches the Python float64 reference', () => {
  const { cases } = fixture<{ cases: (Input & { id: string; expected: GroupStats[] })[] }>('group-stats.json');

  it('every case to 1e-12', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const failures: string[] = [];
    for (const c of cases) {
      const got = groupStats(c.rewards, grouping(c));
      if (got.length !== c.expected.length) {
        failures.push(`${c.id}: ${got.length} groups != ${c.expected.length}`);
        continue;
      }
      got.forEach((g, i) => {
        const e = c.expected[i] as GroupStats;
        for (const key of ['id', 'size', 'count', 'mean', 'std', 'sampleStd', 'min', 'max'] as const) {
          const a = g[key];
          const b = e[key];
          const ok = a === null || b === null ? a === b : mismatch([a], [b]) === null;
          if (!ok) failures.push(`${c.id} group ${i}: ${key} ${a} != ${b}`);
        }
      });
    }
    expect(failures).toEqual([]);
  });
});

describe('dynamicSamplingFilter matches the Python reference decisions', () => {
  const { cases } = fixture<{
    cases: { id: string; rewards: (number | null)[]; groupSize: number; decisions: { options: DynamicSamplingOptions; keep: boolean[] }[] }[];
  }>('filter.json');

  it('every decision', () => {
    expect(cases.length * 6).toBeGreaterThanOrEqual(300);
    const failures: string[] = [];
    for (const c of cases) {
      for (const d of c.decisions) {
        const got = dynamicSamplingFilter(c.rewards, c.groupSize, d.options).keep;
        if (got.join() !== d.keep.join()) failures.push(`${c.id} ${JSON.stringify(d.options)}: ${got.join()} != ${d.keep.join()}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
