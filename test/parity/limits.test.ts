/**
 * The work budget (`maxWork`) and the scoring deadline change no result: every CPython
 * fixture scored again with a budget far above its need and inside a deadline far in the
 * future (so the loops count and check all along) gives the same double.
 */
import { describe, expect, it } from 'vitest';
import { sequenceRatio, stepReward, withScoringDeadline, type Sequence, type Token } from '../../src/index.js';
import { readJsonlGz } from './read-fixture.js';

type Seq = string | { tokens: Token[] };
interface DifflibCase {
  id: string;
  a: Seq;
  b: Seq;
  isjunk: string | null;
  autojunk: boolean;
  ratio: number;
}
interface RewardPair {
  id: string;
  output: string;
  expert: string;
  action: string;
  char: number;
  char_noautojunk: number;
  word: number;
  lcs: number;
}

const toSeq = (s: Seq): Sequence => (typeof s === 'string' ? s : s.tokens);
const FAR = 10 * 365 * 24 * 3600 * 1000;

describe('scoring limits change no result', () => {
  it('every difflib fixture without isjunk: the same ratio inside a deadline', () => {
    const cases = readJsonlGz<DifflibCase>('difflib/cases.jsonl.gz').filter((c) => c.isjunk === null);
    expect(cases.length).toBeGreaterThan(10_000);
    const failures = withScoringDeadline(Date.now() + FAR, () =>
      cases.filter((c) => {
        const a = toSeq(c.a);
        const b = toSeq(c.b);
        // Strings take the one-shot path, token arrays the SequenceMatcher class.
        return sequenceRatio(a, b, { autojunk: c.autojunk }) !== c.ratio;
      }),
    );
    expect(failures.map((c) => c.id).slice(0, 20)).toEqual([]);
  });

  it('every reward pair: the same reward with maxWork far above its need, inside a deadline', () => {
    const pairs = readJsonlGz<RewardPair>('reward/pairs.jsonl.gz').filter((p) => p.action !== '');
    const maxWork = 1e12;
    const failures = withScoringDeadline(Date.now() + FAR, () =>
      pairs.filter(
        (p) =>
          stepReward(p.output, p.expert, { maxWork }) !== p.char ||
          stepReward(p.output, p.expert, { maxWork, autojunk: false }) !== p.char_noautojunk ||
          stepReward(p.output, p.expert, { maxWork, granularity: 'word' }) !== p.word ||
          stepReward(p.output, p.expert, { maxWork, metric: 'lcs' }) !== p.lcs,
      ),
    );
    expect(failures.map((p) => p.id).slice(0, 20)).toEqual([]);
  });
});
