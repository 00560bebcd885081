import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLongCoT } from './parse-long-cot.js';
import { parseNumberedSolution } from './parse-numbered-solution.js';
import { splitThought } from './split-thought.js';
import { TrajectoryError } from './trajectory-error.js';

interface SkyRecord {
  readonly idx: number;
  readonly code: readonly string[];
}

const SKY = new URL('../../test/fixtures/trajectories/math/skythought_Sky-T1-32B-ckpt140_aime24_outputs.jsonl', import.meta.url);
const outputs: string[] = readFileSync(SKY, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as SkyRecord).code[0] as string);

describe('parseLongCoT on Sky-T1 AIME 2024 outputs (real file)', () => {
  const parsed = outputs.map((o) => parseLongCoT(o));
  const complete = parsed.filter((p) => p.complete);

  it('returns the 11 truncated outputs with no steps, and parses the 19 complete solutions', () => {
    expect(parsed.filter((p) => !p.complete)).toHaveLength(11);
    for (const p of parsed.filter((x) => !x.complete)) {
      expect([p.steps, p.stepFormat, p.solution]).toEqual([[], undefined, '']);
    }
    expect(complete).toHaveLength(19);
    // 18 solutions are numbered lists (16 titled "N. **Title**:", 2 untitled lists of equations), 1 is paragraphs.
    expect(complete.filter((p) => p.stepFormat === 'numbered')).toHaveLength(18);
    expect(complete.filter((p) => p.stepFormat === 'paragraphs')).toHaveLength(1);
    expect(complete.filter((p) => p.steps.every((s) => s.title !== undefined))).toHaveLength(16);
    expect(complete.reduce((n, p) => n + p.steps.length, 0)).toBe(124);
  });

  it('accepts 16 of the 19 under the paper filter (strict, titles required)', () => {
    let accepted = 0;
    let rejected = 0;
    for (const o of outputs) {
      try {
        const p = parseLongCoT(o, { strict: true, titles: 'required' });
        if (p.complete) accepted++;
      } catch (e) {
        expect(e).toBeInstanceOf(TrajectoryError);
        rejected++;
      }
    }
    expect([accepted, rejected]).toEqual([16, 3]);
  });

  it('reports step lines in the whole output, and keeps the boxed answer in the conclusion or the last step', () => {
    complete.forEach((p, k) => {
      const o = outputs[parsed.indexOf(p)] as string;
      const lines = o.split('\n');
      for (const span of p.spans) {
        if (p.stepFormat === 'numbered') expect(lines[span.line - 1]?.trimStart().startsWith(`${span.number}.`), `${k}`).toBe(true);
      }
      const boxed = p.solution.slice(p.solution.lastIndexOf('\\boxed{'));
      const tail = p.conclusion !== '' ? p.conclusion : (p.steps[p.steps.length - 1]?.action ?? '');
      expect(tail).toContain(boxed.slice(0, boxed.indexOf('}') + 1));
    });
  });

  it('scans the longest (154k-character) output quickly', () => {
    const longest = outputs.reduce((a, b) => (b.length > a.length ? b : a));
    expect(longest.length).toBe(153_700);
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      // The whole output as a "solution" (numbered lists in the thought, then paragraphs), and its thought as paragraphs.
      parseNumberedSolution(longest);
      splitThought(parseLongCoT(longest).thought);
    }
    expect((performance.now() - t0) / 10).toBeLessThan(200);
  });
});

describe('parseLongCoT', () => {
  const text = '<think>\nTry x = 2.\n</think>\n1. **Solve**: x + 3 = 5, so x = 2.\n2. **Check**: 2 + 3 = 5.\n\nThus \\boxed{2}.';

  it('splits the thinking and cuts the solution into steps', () => {
    const p = parseLongCoT(text);
    expect(p).toMatchObject({ thought: 'Try x = 2.', complete: true, format: 'think-tags', stepFormat: 'numbered', conclusion: 'Thus \\boxed{2}.' });
    expect(p.steps).toEqual([
      { action: '1. **Solve**: x + 3 = 5, so x = 2.', title: 'Solve' },
      { action: '2. **Check**: 2 + 3 = 5.', title: 'Check' },
    ]);
    expect(p.spans.map((s) => s.line)).toEqual([4, 5]);
    expect(parseLongCoT(text, { action: 'body' }).steps[0]?.action).toBe('x + 3 = 5, so x = 2.');
  });

  it('falls back to paragraphs for an unnumbered solution, and strict rejects it at its line in the output', () => {
    const t = '<think>t</think>\n\nFirst x = 1.\n\nThen y = 2.';
    expect(parseLongCoT(t).steps.map((s) => s.action)).toEqual(['First x = 1.', 'Then y = 2.']);
    try {
      parseLongCoT(t, { strict: true, source: 'out.jsonl' });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ name: 'TrajectoryError', line: 3, source: 'out.jsonl' });
    }
  });

  it('returns a truncated output with no steps, or throws with requireComplete', () => {
    expect(parseLongCoT('<think>\nLet me think about')).toMatchObject({ complete: false, steps: [], thought: 'Let me think about' });
    try {
      parseLongCoT('<think>\nLet me\nthink', { requireComplete: true });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ line: 3, expected: "'</think>'", found: 'the end of the text (a truncated output)' });
    }
    expect(() => parseLongCoT('<|begin_of_thought|>a<|end_of_thought|><|begin_of_solution|>b', { requireComplete: true })).toThrow(
      /expected '<\|end_of_solution\|>'/,
    );
  });

  it('throws for a complete output with an empty solution', () => {
    expect(() => parseLongCoT('<think>all thought</think>\n')).toThrow(TrajectoryError);
  });

  it('rejects bad arguments with a TypeError naming them', () => {
    expect(() => parseLongCoT(5 as never)).toThrow(/parseLongCoT: argument 'text' must be a string, got number/);
    expect(() => parseLongCoT('x', { requireComplete: 'yes' as never })).toThrow(/option 'requireComplete' must be a boolean/);
    expect(() => parseLongCoT('x', { markers: 'x' as never })).toThrow(/parseLongCoT: option 'markers'/);
  });
});
