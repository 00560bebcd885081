/**
 * The step reward on real expert steps (GSM8K, SWE-agent, mini-swe-agent,
 * tau-bench, Sky-T1) and edited copies, against the paper's formula computed by
 * CPython (scripts/gen_difflib_fixtures.py): difflib ratio per character, with
 * and without autojunk, per word (`str.split()`), and an O(n*m) LCS.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPythonSpace, pySplit, pyStrip } from '../../src/_lib/python-whitespace.js';
import { lcsRatio, parseStepOutput, stepReward, stepRewards } from '../../src/index.js';
import { readJsonlGz } from './read-fixture.js';

interface Pair {
  id: string;
  expert: string;
  action: string;
  output: string;
  char: number;
  char_noautojunk: number;
  word: number;
  lcs: number;
}

const all = readJsonlGz<Pair>('reward/pairs.jsonl.gz');
// An output whose action is empty breaks the format (reason 'empty-action'): the
// reward is the penalty, not ratio('', expert). Those are checked on their own.
const pairs = all.filter((p) => p.action !== '');
const emptyActions = all.filter((p) => p.action === '');

function failuresOf(check: (p: Pair) => boolean): string[] {
  return pairs.filter((p) => !check(p)).map((p) => p.id);
}

describe('step reward parity with the paper formula in CPython', () => {
  it('has the fixture pairs', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(1000);
  });

  it('gives the format penalty to outputs with an empty action', () => {
    for (const p of emptyActions) {
      const r = parseStepOutput(p.output);
      expect(r.ok ? 'ok' : r.reason).toBe('empty-action');
      expect(stepReward(p.output, p.expert)).toBe(-1);
    }
  });

  it('parses the action out of each output exactly', () => {
    expect(failuresOf((p) => {
      const r = parseStepOutput(p.output);
      return r.ok && r.action === p.action;
    })).toEqual([]);
  });

  it("default reward === SequenceMatcher(None, action, expert).ratio()", () => {
    expect(failuresOf((p) => stepReward(p.output, p.expert) === p.char)).toEqual([]);
  });

  it('autojunk off === SequenceMatcher(None, action, expert, autojunk=False).ratio()', () => {
    expect(failuresOf((p) => stepReward(p.output, p.expert, { autojunk: false }) === p.char_noautojunk)).toEqual([]);
  });

  it("word granularity === SequenceMatcher(None, action.split(), expert.split()).ratio()", () => {
    expect(failuresOf((p) => stepReward(p.output, p.expert, { granularity: 'word' }) === p.word)).toEqual([]);
  });

  it('lcs metric === 2 * LCS / (|action| + |expert|) from a dynamic programme', () => {
    expect(failuresOf((p) => stepReward(p.output, p.expert, { metric: 'lcs' }) === p.lcs)).toEqual([]);
    expect(failuresOf((p) => lcsRatio(p.action, p.expert) === p.lcs)).toEqual([]);
  });

  it('stepRewards over groups sharing an expert equals the per-pair reference', () => {
    const byExpert = new Map<string, Pair[]>();
    for (const p of pairs) byExpert.set(p.expert, [...(byExpert.get(p.expert) ?? []), p]);
    for (const [expert, group] of byExpert) {
      expect(stepRewards(group.map((p) => p.output), expert)).toEqual(group.map((p) => p.char));
    }
  });
});

describe("Python's whitespace", () => {
  const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', 'fixtures', 'reward', 'pywhitespace.json'), 'utf8')) as {
    isspace: number[];
  };

  it('isPythonSpace is true exactly for the code points where str.isspace() is', () => {
    const ours: number[] = [];
    for (let c = 0; c < 0x110000; c++) if (isPythonSpace(c)) ours.push(c);
    expect(ours).toEqual(fixture.isspace);
  });

  it('pyStrip and pySplit follow str.strip() and str.split()', () => {
    const all = fixture.isspace.map((c) => String.fromCharCode(c)).join('');
    expect(pyStrip(`${all}a b${all}`)).toBe('a b');
    expect(pySplit(`${all}a${all}b\ufeffc${all}`)).toEqual(['a', 'b\ufeffc']);
    expect(pySplit('')).toEqual([]);
  });
});
