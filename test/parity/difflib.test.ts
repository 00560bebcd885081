/**
 * Parity with CPython's difflib.SequenceMatcher on the committed fixtures that
 * scripts/gen_difflib_fixtures.py wrote with CPython (see test/fixtures/README.md).
 * Every field must be identical: ratios as the same double, blocks, opcodes,
 * grouped opcodes, junk and popular sets, and find_longest_match on sub-ranges.
 */
import { describe, expect, it } from 'vitest';
import { SequenceMatcher, sequenceRatio, type Sequence, type Token } from '../../src/index.js';
import { readJsonlGz } from './read-fixture.js';

type Seq = string | { tokens: Token[] };
interface Case {
  id: string;
  category: string;
  a: Seq;
  b: Seq;
  isjunk: string | null;
  autojunk: boolean;
  ratio: number;
  quick_ratio: number;
  real_quick_ratio: number;
  matching_blocks: [number, number, number][];
  opcodes: [string, number, number, number, number][];
  grouped: { n: number; groups: [string, number, number, number, number][][] };
  bjunk: Token[];
  bpopular: Token[];
  longest: [number, number, number, number, number, number, number][];
}

/** The same predicates as the generator's, by name. */
const JUNK: Record<string, (x: Token) => boolean> = {
  space: (x) => x === ' ',
  whitespace: (x) => x === ' ' || x === '\t' || x === '\n',
  vowel: (x) => x === 'a' || x === 'e' || x === 'i' || x === 'o' || x === 'u',
  hash: (x) => x === '#',
  even: (x) => typeof x === 'number' && Number.isInteger(x) && x % 2 === 0,
  stopword: (x) => x === 'the' || x === 'a' || x === 'of' || x === 'to',
};

const toSeq = (s: Seq): Sequence => (typeof s === 'string' ? s : s.tokens);
const cases = readJsonlGz<Case>('difflib/cases.jsonl.gz');
const byCategory = new Map<string, Case[]>();
for (const c of cases) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);

/** Compares one case; returns the names of the fields that differ. */
function mismatches(c: Case): string[] {
  const isjunk = c.isjunk === null ? null : JUNK[c.isjunk];
  if (isjunk === undefined) throw new Error(`${c.id}: unknown isjunk predicate ${c.isjunk}`);
  const sm = new SequenceMatcher(toSeq(c.a), toSeq(c.b), { isjunk, autojunk: c.autojunk });
  const bad: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  if (sm.ratio() !== c.ratio) bad.push('ratio');
  if (isjunk === null && sequenceRatio(toSeq(c.a), toSeq(c.b), { autojunk: c.autojunk }) !== c.ratio) bad.push('sequenceRatio');
  if (sm.quickRatio() !== c.quick_ratio) bad.push('quick_ratio');
  if (sm.realQuickRatio() !== c.real_quick_ratio) bad.push('real_quick_ratio');
  if (!same(sm.getMatchingBlocks().map((m) => [m.a, m.b, m.size]), c.matching_blocks)) bad.push('matching_blocks');
  if (!same(sm.getOpcodes(), c.opcodes)) bad.push('opcodes');
  if (!same(sm.getGroupedOpcodes(c.grouped.n), c.grouped.groups)) bad.push('grouped');
  const sorted = (s: ReadonlySet<Token>) => [...s].map(String).sort();
  if (!same(sorted(sm.bjunk), c.bjunk.map(String).sort())) bad.push('bjunk');
  if (!same(sorted(sm.bpopular), c.bpopular.map(String).sort())) bad.push('bpopular');
  for (const [alo, ahi, blo, bhi, i, j, k] of c.longest) {
    if (!same(sm.findLongestMatch(alo, ahi, blo, bhi), { a: i, b: j, size: k })) bad.push(`longest(${alo},${ahi},${blo},${bhi})`);
  }
  // The ratio again after the other queries (caches must not change it).
  if (sm.ratio() !== c.ratio) bad.push('ratio after queries');
  return bad;
}

describe('parity with CPython difflib', () => {
  it('has the fixture cases the generator promises', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20_000);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it.each([...byCategory.keys()])('category %s: zero mismatches', (category) => {
    const failures: string[] = [];
    for (const c of byCategory.get(category) ?? []) {
      const bad = mismatches(c);
      if (bad.length > 0) failures.push(`${c.id}: ${bad.join(', ')}`);
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('reuses the index of b across setSeq1 calls with the same results', () => {
    const sample = cases.filter((c) => c.isjunk === null && c.autojunk).slice(0, 2000);
    const byB = new Map<string, Case[]>();
    for (const c of sample) {
      const key = JSON.stringify(c.b);
      byB.set(key, [...(byB.get(key) ?? []), c]);
    }
    let checked = 0;
    for (const group of byB.values()) {
      const sm = new SequenceMatcher('', toSeq((group[0] as Case).b));
      for (const c of group) {
        sm.setSeq1(toSeq(c.a));
        expect(sm.ratio()).toBe(c.ratio);
        checked++;
      }
    }
    expect(checked).toBe(sample.length);
  });
});
