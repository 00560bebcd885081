import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveLcsLength } from '../../test/reference/naive-lcs.js';
import { NaiveSequenceMatcher } from '../../test/reference/naive-difflib.js';
import { alignSequences } from './align.js';
import { explainStepReward } from './explain-step-reward.js';
import { lcsRatio } from './lcs-ratio.js';
import { meter, ScoringLimitError, withScoringDeadline } from './scoring-limits.js';
import { SequenceMatcher } from './sequence-matcher.js';
import { sequenceRatio } from './sequence-ratio.js';
import { stepReward } from './step-reward.js';
import { stepRewards } from './step-rewards.js';
import type { StepRewardOptions } from './step-scorer.js';
import { thrownOf } from '../../test/helpers/thrown.js';

const think = (action: string) => `<think>t</think>${action}`;

/** A deterministic pseudo-random string over `alphabet`. */
function randomText(length: number, alphabet: string, seed: number): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (x * 48271) % 2147483647;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

/** The work units one stepReward call counts (no deadline set: the meter restarts with each comparison). */
function unitsOf(action: string, expert: string, options: StepRewardOptions = {}): { reward: number; units: number } {
  const reward = stepReward(think(action), expert, options);
  return { reward, units: meter.work };
}

const caught = (fn: () => unknown): ScoringLimitError => thrownOf(ScoringLimitError, fn);

/** 120 symbols: each occurs a few times in 800 characters, so none is popular. */
const MANY = Array.from({ length: 120 }, (_, i) => String.fromCharCode(0x21 + i)).join('');

// Inputs that take every path: the one-shot string path (difflib), the SequenceMatcher
// class path (words, astral characters), and the bit-vector LCS.
const repetitive = 'ab'.repeat(300);
const cases: [string, string, string, StepRewardOptions][] = [
  ['difflib, characters, autojunk off', `${repetitive}x`, `x${repetitive}`, { autojunk: false }],
  ['difflib, many symbols, autojunk on', randomText(900, MANY, 3), randomText(800, MANY, 4), {}],
  ['difflib, astral characters (class path)', `😀${randomText(400, 'ab😀', 5)}`, randomText(400, 'ab😀c', 6), { autojunk: false }],
  ['difflib, words (class path)', randomText(2000, 'ab ', 7), randomText(2000, 'ab c ', 8), { granularity: 'word', autojunk: false }],
  ['lcs', randomText(500, 'abcd', 9), randomText(450, 'abcd', 10), { metric: 'lcs' }],
];

describe('maxWork', () => {
  it.each(cases)('%s: passes at exactly its units and throws one below, with the same reward', (_, action, expert, options) => {
    const { reward, units } = unitsOf(action, expert, options);
    expect(units).toBeGreaterThan(100);
    // Deterministic: the same input counts the same units.
    expect(unitsOf(action, expert, options).units).toBe(units);
    expect(stepReward(think(action), expert, { ...options, maxWork: units })).toBe(reward);
    const err = caught(() => stepReward(think(action), expert, { ...options, maxWork: units - 1 }));
    expect(err.limit).toBe('maxWork');
    expect(err.max).toBe(units - 1);
    expect(err.work).toBeGreaterThan(units - 1);
    expect(err.work).toBeLessThanOrEqual(units);
  });

  it('is exact for lcs: checked before the work starts, reporting the units needed', () => {
    const action = randomText(100, 'abc', 1);
    const expert = randomText(300, 'abc', 2);
    // The definition (docs/reward.md): after the common prefix and suffix, the shorter side
    // is the pattern, and every element of the longer side that occurs in it is a row,
    // costing ceil(pattern / 128) units (4 words of 32 bits).
    let prefix = 0;
    while (prefix < action.length && action[prefix] === expert[prefix]) prefix++;
    let suffix = 0;
    while (suffix < action.length - prefix && action[action.length - 1 - suffix] === expert[expert.length - 1 - suffix]) suffix++;
    const pattern = action.slice(prefix, action.length - suffix);
    const rows = [...expert.slice(prefix, expert.length - suffix)].filter((c) => pattern.includes(c)).length;
    const { units } = unitsOf(action, expert, { metric: 'lcs' });
    expect(units).toBe(rows * Math.ceil(pattern.length / 128));
    const err = caught(() => stepReward(think(action), expert, { metric: 'lcs', maxWork: 3 }));
    expect(err.work).toBe(units);
    expect(err.message).toBe(`stepReward: comparing 100 x 300 code points needs ${units} work units, more than maxWork (3); raise maxWork, or cap maxLength`);
  });

  it('says what it compared, in the units of the granularity', () => {
    const err = caught(() => stepReward(think(`${repetitive}x`), repetitive, { autojunk: false, maxWork: 1000 }));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.name).toBe('ScoringLimitError');
    expect(err.message).toBe('stepReward: comparing 601 x 600 code points needs more than maxWork (1000) work units; raise maxWork, or cap maxLength');
    const words = caught(() =>
      stepRewards([think('a b '.repeat(400)), think('b a '.repeat(400))], 'a b '.repeat(300), { granularity: 'word', autojunk: false, maxWork: 50 }),
    );
    expect(words.message).toMatch(/^stepRewards: comparing 800 x 600 words needs more than maxWork \(50\)/);
  });

  it('budgets each output of a group on its own, and counts no custom metric', () => {
    const { units } = unitsOf(`${repetitive}x`, repetitive, { autojunk: false });
    const outputs = [think(`${repetitive}x`), think(`${repetitive}x`), 'no format'];
    expect(stepRewards(outputs, repetitive, { autojunk: false, maxWork: units })).toHaveLength(3);
    expect(stepReward(think(repetitive), `${repetitive}y`, { metric: () => 0.5, maxWork: 1 })).toBe(0.5);
  });

  it('applies to the alignment of explainStepReward (about twice the units for lcs)', () => {
    const action = randomText(600, 'abcd', 11);
    const expert = randomText(600, 'abcd', 12);
    const { units } = unitsOf(action, expert, { metric: 'lcs' });
    expect(explainStepReward(think(action), expert, { metric: 'lcs', maxWork: 3 * units }).reward).toBe(stepReward(think(action), expert, { metric: 'lcs' }));
    const err = caught(() => explainStepReward(think(action), expert, { metric: 'lcs', maxWork: units }));
    expect(err.message).toMatch(/^explainStepReward: comparing 600 x 600 code points/);
    expect(() => explainStepReward(think(`${repetitive}x`), repetitive, { autojunk: false, maxWork: 100 })).toThrow(ScoringLimitError);
  });

  it('never changes a result (random inputs, budget far above the need, or no budget)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '😀'), maxLength: 300 });
    fc.assert(
      fc.property(text, text, fc.constantFrom<StepRewardOptions>({}, { autojunk: false }, { metric: 'lcs' }, { granularity: 'word' }), (a, b, options) => {
        const plain = stepReward(think(`x${a}`), b, options);
        expect(stepReward(think(`x${a}`), b, { ...options, maxWork: 1e12 })).toBe(plain);
        expect(stepReward(think(`x${a}`), b, { ...options, maxWork: Infinity })).toBe(plain);
      }),
      { numRuns: 150 },
    );
  });

  it('must be a positive integer or Infinity', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, -Infinity, 2 ** 53, '5', null]) {
      expect(() => stepReward('x', 'y', { maxWork: bad as never })).toThrow(RangeError);
    }
    expect(() => stepReward('x', 'y', { maxWork: 0 })).toThrow("stepReward: argument 'options.maxWork' must be a positive integer or Infinity, got 0");
    expect(() => stepRewards([], 'y', { maxWork: '5' as never })).toThrow(`stepRewards: argument 'options.maxWork' must be a positive integer or Infinity, got "5"`);
    expect(stepReward(think('x'), 'x', { maxWork: Infinity })).toBe(1);
    expect(stepReward(think('x'), 'x', { maxWork: 1 })).toBe(1);
  });
});

describe('withScoringDeadline', () => {
  // Each takes a few hundred ms to finish: far more than the deadlines below.
  const slowDifflib = 'ab'.repeat(6000);
  const slowLcsA = randomText(60_000, 'abcdefghij', 21);
  const slowLcsB = randomText(60_000, 'abcdefghij', 22);

  it('stops a long difflib comparison from inside the matcher loops', () => {
    const err = caught(() => withScoringDeadline(Date.now() + 20, () => stepReward(think(`${slowDifflib}x`), slowDifflib, { autojunk: false })));
    expect(err.limit).toBe('deadline');
    expect(err.max).toBeLessThanOrEqual(Date.now());
    expect(err.work).toBeGreaterThan(0);
    expect(err.message).toMatch(/^stepReward: comparing 12001 x 12000 code points ran past the scoring deadline \(.*\) after \d+ work units/);
  });

  it('stops the class path, the bit-vector LCS and the LCS alignment', () => {
    const sm = new SequenceMatcher(`${slowDifflib}x`, slowDifflib, { autojunk: false });
    expect(caught(() => withScoringDeadline(Date.now() + 20, () => sm.ratio())).message).toMatch(/^SequenceMatcher\.ratio: comparing/);
    const lcs = caught(() => withScoringDeadline(Date.now() + 20, () => lcsRatio(slowLcsA, slowLcsB)));
    expect(lcs.message).toMatch(/^lcsRatio: comparing 60000 x 60000 code points ran past/);
    expect(lcs.work).toBeLessThan(60_000 * Math.ceil(60_000 / 32));
    expect(caught(() => withScoringDeadline(Date.now() + 20, () => alignSequences(slowLcsA, slowLcsB, { method: 'lcs' }))).limit).toBe('deadline');
  });

  it('leaves every later result exact after a stopped comparison', () => {
    caught(() => withScoringDeadline(Date.now() + 10, () => sequenceRatio(`${slowDifflib}x`, slowDifflib, { autojunk: false })));
    caught(() => withScoringDeadline(Date.now() + 10, () => lcsRatio(slowLcsA, slowLcsB)));
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), maxLength: 250 });
    fc.assert(
      fc.property(text, text, fc.boolean(), (a, b, autojunk) => {
        expect(sequenceRatio(a, b, { autojunk })).toBe(new NaiveSequenceMatcher(a, b, null, autojunk).ratio());
        const total = a.length + b.length;
        expect(lcsRatio(a, b)).toBe(total ? (2 * naiveLcsLength(a, b)) / total : 1);
      }),
      { numRuns: 100 },
    );
  });

  it('changes no result when the deadline is not reached (the clock is read every 2^18 units)', () => {
    const a = `${'ab'.repeat(1500)}x`;
    const b = 'ba'.repeat(1500);
    const plain = [sequenceRatio(a, b, { autojunk: false }), lcsRatio(slowLcsA.slice(0, 8000), slowLcsB.slice(0, 8000))];
    const under = withScoringDeadline(Date.now() + 600_000, () => [
      sequenceRatio(a, b, { autojunk: false }),
      lcsRatio(slowLcsA.slice(0, 8000), slowLcsB.slice(0, 8000)),
    ]);
    expect(under).toEqual(plain);
  });

  it('keeps the earlier of nested deadlines, and restores the previous one on return and on throw', () => {
    const err = caught(() =>
      withScoringDeadline(Date.now() + 20, () => withScoringDeadline(Date.now() + 600_000, () => lcsRatio(slowLcsA, slowLcsB))),
    );
    expect(err.limit).toBe('deadline');
    expect(withScoringDeadline(Date.now() + 600_000, () => withScoringDeadline(Infinity, () => 7))).toBe(7);
    // No deadline in force any more: this runs to the end.
    expect(lcsRatio(slowLcsA.slice(0, 20_000), slowLcsB.slice(0, 20_000))).toBeGreaterThan(0);
  });

  it('throws at once when the deadline has already passed', () => {
    const err = caught(() => withScoringDeadline(Date.now() - 1, () => stepReward(think('x'), 'x')));
    expect(err.limit).toBe('deadline');
    expect(err.work).toBe(0);
    expect(err.message).toMatch(/^withScoringDeadline: the scoring deadline \(.*\) had passed before scoring started$/);
  });

  it('rejects bad arguments', () => {
    expect(() => withScoringDeadline(Number.NaN, () => 1)).toThrow(
      new TypeError("withScoringDeadline: argument 'deadline' must be a number of epoch milliseconds or Infinity, got NaN"),
    );
    expect(() => withScoringDeadline('soon' as never, () => 1)).toThrow(/argument 'deadline' must be a number .*, got string/);
    expect(() => withScoringDeadline(Infinity, 5 as never)).toThrow("withScoringDeadline: argument 'fn' must be a function, got number");
  });
});
