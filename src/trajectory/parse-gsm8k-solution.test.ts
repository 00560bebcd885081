import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGsm8kSolution } from './parse-gsm8k-solution.js';
import { TrajectoryError } from './trajectory-error.js';

interface Gsm8kRecord {
  readonly question: string;
  readonly answer: string;
}

const GSM8K = new URL('../../test/fixtures/trajectories/math/gsm8k_test.jsonl', import.meta.url);
const records: Gsm8kRecord[] = readFileSync(GSM8K, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Gsm8kRecord);

describe('parseGsm8kSolution on the GSM8K test split (real file)', () => {
  it('has one step per non-empty line before ####, and the text after #### as the final answer, for all 1,319 problems', () => {
    expect(records).toHaveLength(1319);
    let steps = 0;
    for (const r of records) {
      const parsed = parseGsm8kSolution(r.answer);
      // Counted independently of the parser:
      const [body, after] = r.answer.split('####') as [string, string];
      const lines = body.split('\n').filter((l) => l.trim() !== '');
      expect(parsed.steps.map((s) => s.action)).toEqual(lines.map((l) => l.trim()));
      expect(parsed.finalAnswer).toBe(after.trim());
      for (const s of parsed.steps) expect(Object.keys(s)).toEqual(['action']);
      steps += parsed.steps.length;
    }
    expect(steps).toBe(4819);
    // Two answers have an empty line inside; it is not a step.
    expect(records.filter((r) => r.answer.split('\n').some((l) => l === ''))).toHaveLength(2);
  });

  it('keeps calculator annotations by default and strips them on request', () => {
    let annotated = 0;
    for (const r of records) {
      const kept = parseGsm8kSolution(r.answer);
      const stripped = parseGsm8kSolution(r.answer, { calculator: 'strip' });
      expect(stripped.steps).toHaveLength(kept.steps.length);
      stripped.steps.forEach((s, i) => {
        expect(s.action).not.toMatch(/<<|>>/);
        expect(s.action).toBe((kept.steps[i]?.action ?? '').replace(/<<[^>]*>>/g, '').trim());
      });
      if (r.answer.includes('<<')) annotated++;
    }
    expect(annotated).toBeGreaterThan(1200);
  });

  it('parses the first problem exactly', () => {
    expect(parseGsm8kSolution((records[0] as Gsm8kRecord).answer)).toEqual({
      steps: [
        { action: 'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.' },
        { action: 'She makes 9 * 2 = $<<9*2=18>>18 every day at the farmer\u2019s market.' },
      ],
      finalAnswer: '18',
    });
    expect(parseGsm8kSolution((records[0] as Gsm8kRecord).answer, { calculator: 'strip' }).steps[0]?.action).toBe(
      'Janet sells 16 - 3 - 4 = 9 duck eggs a day.',
    );
  });
});

describe('parseGsm8kSolution errors', () => {
  const error = (answer: string): TrajectoryError => {
    try {
      parseGsm8kSolution(answer, { source: 'test.jsonl', path: '$.answer' });
    } catch (e) {
      expect(e).toBeInstanceOf(TrajectoryError);
      return e as TrajectoryError;
    }
    throw new Error('expected a TrajectoryError');
  };

  it('rejects a missing #### line at the last line', () => {
    const e = error('a = 1\nb = 2\n\n');
    expect([e.line, e.expected, e.found, e.source, e.path]).toEqual([
      2,
      "a final line '#### <answer>'",
      'no \'####\' line; the last line is the string "b = 2"',
      'test.jsonl',
      '$.answer',
    ]);
    expect(error('').found).toBe('an empty solution');
  });

  it('rejects an empty final answer, text after it, no steps, and an annotation-only line', () => {
    expect([error('a\n####  ').line, error('a\n####').expected]).toEqual([2, "a final answer after '####'"]);
    const after = error('a\n#### 5\nmore');
    expect([after.line, after.found]).toEqual([3, 'the string "more"']);
    expect(error('a\n#### 5\n#### 6').line).toBe(3);
    expect(error('#### 5').expected).toBe("at least one solution line before '####'");
    expect(() => parseGsm8kSolution('<<1+1=2>>\n#### 2', { calculator: 'strip' })).toThrow(/line 1: expected step text besides the calculator annotation/);
  });

  it('accepts CRLF, surrounding blank lines and indentation', () => {
    expect(parseGsm8kSolution('\r\n  a = 1 \r\n\r\nb\r\n####  1,600 \r\n\r\n')).toEqual({ steps: [{ action: 'a = 1' }, { action: 'b' }], finalAnswer: '1,600' });
  });

  it('rejects bad arguments with a TypeError naming them', () => {
    expect(() => parseGsm8kSolution(null as never)).toThrow(/parseGsm8kSolution: argument 'answer' must be a string, got null/);
    expect(() => parseGsm8kSolution('a\n#### 1', { calculator: 'drop' as never })).toThrow(/option 'calculator' must be 'keep' or 'strip', got "drop"/);
    expect(() => parseGsm8kSolution('a\n#### 1', { source: 1 as never })).toThrow(/option 'source' must be a string/);
    expect(() => parseGsm8kSolution('a\n#### 1', 7 as never)).toThrow(/argument 'options' must be an object/);
  });
});
