import { describe, expect, it } from 'vitest';
import { explainStepReward } from './explain-step-reward.js';
import { normalizers } from './normalizers.js';
import { renderAlignment } from './render-alignment.js';
import { stepReward } from './step-reward.js';
import { stepRewards } from './step-rewards.js';

// Similarities below were computed with python3's difflib, as noted.

describe('stepReward', () => {
  it('is difflib ratio(action, expert) for a well-formed output, in that order', () => {
    // python3: SequenceMatcher(None, 'x = 4', 'x = 5').ratio() == 0.8
    expect(stepReward('<think>subtract 3</think> x = 4', 'x = 5')).toBe(0.8);
    // Order matters: python3 gives 0.4444444444444444 for ratio('abbb', 'bbaab') and 0.6666666666666666 the other way.
    expect(stepReward('<think></think>abbb', 'bbaab')).toBe(0.4444444444444444);
    expect(stepReward('<think></think>bbaab', 'abbb')).toBe(0.6666666666666666);
  });

  it('applies autojunk to the expert step by default, as the paper code does', () => {
    // python3: e = 'ab'*150; SequenceMatcher(None, 'ba'*10 + 'x', e).ratio() == 0.0 (both letters are popular), autojunk=False: 0.12461059190031153
    const expert = 'ab'.repeat(150);
    const output = `<think></think>${'ba'.repeat(10)}x`;
    expect(stepReward(output, expert)).toBe(0);
    expect(stepReward(output, expert, { autojunk: false })).toBe(0.12461059190031153);
  });

  it('gives the format penalty to malformed outputs', () => {
    expect(stepReward('x = 5', 'x = 5')).toBe(-1);
    expect(stepReward('<think>x', 'x = 5', { formatPenalty: 0 })).toBe(0);
    expect(stepReward('x = 5', 'x = 5', { parse: { requireThink: false } })).toBe(1);
  });

  it('supports word granularity (python3: ratio of str.split() lists) and tokenizer functions', () => {
    // python3: SequenceMatcher(None, 'cd src && ls'.split(), 'cd  src\n&& ls -la'.split()).ratio() == 0.8888888888888888
    expect(stepReward('<think></think>cd src && ls', 'cd  src\n&& ls -la', { granularity: 'word' })).toBe(0.8888888888888888);
    const ids = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0) % 7);
    // python3: SequenceMatcher(None, [ord(c) % 7 for c in 'abc'], [ord(c) % 7 for c in 'hij']).ratio() == 1.0
    expect(stepReward('<think></think>abc', 'hij', { granularity: ids })).toBe(1);
  });

  it('supports the exact LCS metric and custom metrics', () => {
    // LCS('ls -la', 'ls -l') = 5: 2 * 5 / 11
    expect(stepReward('<think></think>ls -la', 'ls -l', { metric: 'lcs' })).toBe(10 / 11);
    expect(stepReward('<think></think>abc', 'abd', { metric: (a, b) => (a === b ? 1 : 0.25) })).toBe(0.25);
    expect(() => stepReward('<think></think>abc', 'abd', { metric: () => Number.NaN })).toThrow(
      /metric function returned NaN, expected a finite number/,
    );
  });

  it('applies normalizers to both sides, in order', () => {
    expect(stepReward('<think></think>X  =\t5', 'x = 5')).toBeLessThan(1);
    expect(stepReward('<think></think>X  =\t5', 'x = 5', { normalize: [normalizers.collapseWhitespace, normalizers.lowercase] })).toBe(1);
    expect(stepReward('<think></think>\uff11', '1', { normalize: normalizers.nfkc })).toBe(1);
    expect(() => stepReward('<think></think>a', 'a', { normalize: [() => 3 as never] })).toThrow(
      /normalize\[0\] returned number for the expert step, expected a string/,
    );
  });

  it('caps the compared length only when asked', () => {
    // python3: SequenceMatcher(None, 'abcdef', 'abcxyz').ratio() == 0.5; with both cut to 3: 1.0
    expect(stepReward('<think></think>abcdef', 'abcxyz')).toBe(0.5);
    expect(stepReward('<think></think>abcdef', 'abcxyz', { maxLength: 3 })).toBe(1);
    const e = explainStepReward('<think></think>😀😀😀x', '😀😀😀y', { maxLength: 3 });
    expect(e.truncated).toBe(true);
    expect(e.action).toBe('😀😀😀');
    expect(() => stepReward('a', 'b', { maxLength: 0 })).toThrow(/'options.maxLength' must be an integer/);
  });

  it('rejects bad arguments with errors naming them', () => {
    expect(() => stepReward(5 as never, 'x')).toThrow(/stepReward: argument 'output' must be a string, got number/);
    expect(() => stepReward('x', null as never)).toThrow(/stepReward: argument 'expertStep' must be a string, got null/);
    expect(() => stepReward('x', 'y', { metric: 'bleu' as never })).toThrow(/option 'metric' must be 'difflib', 'lcs' or a function, got "bleu"/);
    expect(() => stepReward('x', 'y', { granularity: 'line' as never })).toThrow(/option 'granularity'/);
    expect(() => stepReward('x', 'y', { formatPenalty: Number.NaN })).toThrow(/'options.formatPenalty' must be a finite number, got NaN/);
    expect(() => stepReward('x', 'y', { parse: { thinkTag: '' } })).toThrow(/option 'thinkTag'/);
  });

  it('rejects unknown (misspelled) options, naming the nearest valid one', () => {
    expect(() => stepReward('x', 'y', { metrik: 'lcs' } as never)).toThrow(
      new TypeError(
        "stepReward: unknown option 'metrik' in 'options' (did you mean 'metric'?); valid options: metric, granularity, normalize, formatPenalty, parse, autojunk, maxLength, maxWork",
      ),
    );
    expect(() => stepReward('x', 'y', { autoJunk: false } as never)).toThrow(/^stepReward: unknown option 'autoJunk' in 'options' \(did you mean 'autojunk'\?\)/);
    expect(() => stepRewards([], 'y', { maxwork: 5 } as never)).toThrow(/^stepRewards: unknown option 'maxwork' in 'options' \(did you mean 'maxWork'\?\)/);
    expect(() => explainStepReward('x', 'y', { granularty: 'word' } as never)).toThrow(
      /^explainStepReward: unknown option 'granularty' in 'options' \(did you mean 'granularity'\?\)/,
    );
    expect(() => stepReward('x', 'y', { parse: { thinktag: 'reasoning' } } as never)).toThrow(
      /^stepReward: unknown option 'thinktag' in 'options.parse' \(did you mean 'thinkTag'\?\); valid options: thinkTag, requireThink/,
    );
  });
});

describe('stepRewards', () => {
  it('scores a group in order, equal to stepReward one by one', () => {
    const outputs = ['<think>a</think>x = 5', '<think>b</think>x = 4', 'no format', '<think>c</think>y = 5'];
    expect(stepRewards(outputs, 'x = 5')).toEqual(outputs.map((o) => stepReward(o, 'x = 5')));
    expect(stepRewards(outputs, 'x = 5')).toEqual([1, 0.8, -1, 0.8]);
  });

  it('names the index of a bad output', () => {
    expect(() => stepRewards(['<think></think>a', 7 as never], 'a')).toThrow(/stepRewards: argument 'outputs\[1\]' must be a string, got number/);
    expect(() => stepRewards('a' as never, 'a')).toThrow(/argument 'outputs' must be an array of strings, got string/);
  });
});

describe('explainStepReward', () => {
  it('returns the reward, the parse and an alignment', () => {
    const e = explainStepReward('<think>add</think>x = 4', 'x = 5');
    expect(e.reward).toBe(0.8);
    expect(e.parsed).toEqual({ ok: true, thought: 'add', action: 'x = 4' });
    expect(e.metric).toBe('difflib');
    expect(renderAlignment(e.alignment)).toBe('x = [-4-]{+5+}');
    expect(renderAlignment(e.alignment, { color: true })).toBe('x = \u001b[31;9m4\u001b[0m\u001b[32m5\u001b[0m');
  });

  it('aligns words with spaces and uses an LCS alignment for the lcs metric', () => {
    const w = explainStepReward('<think></think>cd src && ls', 'cd src && ls -la', { granularity: 'word' });
    expect(renderAlignment(w.alignment)).toBe('cd src && ls{+-la+}');
    const l = explainStepReward('<think></think>abcd', 'acbd', { metric: 'lcs' });
    expect(l.reward).toBe(0.75);
    const kept = l.alignment.filter((s) => s.op === 'equal').map((s) => s.text).join('');
    expect(kept).toHaveLength(3);
  });

  it('explains a format error', () => {
    const e = explainStepReward('no think', 'x');
    expect(e.reward).toBe(-1);
    expect(e.parsed.ok).toBe(false);
    expect(e.action).toBeNull();
    expect(e.alignment).toEqual([]);
  });
});
