import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stripThinking } from './strip-thinking.js';

interface SkyRecord {
  readonly idx: number;
  readonly code: readonly string[];
  readonly gt: string;
}

const SKY = new URL('../../test/fixtures/trajectories/math/skythought_Sky-T1-32B-ckpt140_aime24_outputs.jsonl', import.meta.url);
const records: SkyRecord[] = readFileSync(SKY, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as SkyRecord);

describe('stripThinking on Sky-T1 AIME 2024 outputs (real file)', () => {
  const outputs = records.map((r) => r.code[0] as string);
  const splits = outputs.map((o) => stripThinking(o));

  it('finds 30 outputs, 11 of them truncated, as SOURCES.txt says', () => {
    expect(records).toHaveLength(30);
    expect(splits.filter((s) => !s.complete)).toHaveLength(11);
    // Independently: a plain search for the end-of-thought marker.
    expect(outputs.filter((o) => !o.includes('<|end_of_thought|>'))).toHaveLength(11);
    splits.forEach((s, i) => {
      expect(s.complete).toBe((outputs[i] as string).includes('<|end_of_thought|>'));
      expect(s.format).toBe('thought-solution');
    });
  });

  it('gives a truncated output an empty solution and all its text as the thought', () => {
    splits.forEach((s, i) => {
      if (s.complete) return;
      const o = outputs[i] as string;
      expect(s.solution).toBe('');
      expect(s.thought).toBe(o.slice(o.indexOf('<|begin_of_thought|>') + '<|begin_of_thought|>'.length).trim());
      expect(s.thought.length).toBeGreaterThan(50_000);
    });
  });

  it('splits a complete output at its markers, and its solution ends with \\boxed{answer}', () => {
    let checked = 0;
    splits.forEach((s, i) => {
      if (!s.complete) return;
      const o = outputs[i] as string;
      const thought = o.split('<|end_of_thought|>')[0]?.split('<|begin_of_thought|>')[1]?.trim();
      const solution = o.split('<|begin_of_solution|>')[1]?.split('<|end_of_solution|>')[0]?.trim();
      expect(s.thought).toBe(thought);
      expect(s.solution).toBe(solution);
      for (const marker of ['<|begin_of_thought|>', '<|end_of_thought|>', '<|begin_of_solution|>', '<|end_of_solution|>']) {
        expect(s.thought).not.toContain(marker);
        expect(s.solution).not.toContain(marker);
      }
      // The last thing in the solution is \boxed{N}, maybe followed by maths delimiters and a full stop.
      expect(s.solution).toMatch(/\\boxed\{\d+\}[\s\\)\].$]*$/);
      checked++;
    });
    expect(checked).toBe(19);
  });
});

describe('stripThinking', () => {
  it('splits <think> tags, with or without the opening tag', () => {
    expect(stripThinking('<think>\n2 + 2 is 4\n</think>\n\nThe answer is 4.\n')).toEqual({
      thought: '2 + 2 is 4',
      solution: 'The answer is 4.',
      complete: true,
      format: 'think-tags',
    });
    expect(stripThinking('2 + 2 is 4</think>4')).toEqual({ thought: '2 + 2 is 4', solution: '4', complete: true, format: 'think-tags' });
    expect(stripThinking('<think>a</think>b</think>c')).toMatchObject({ thought: 'a', solution: 'b</think>c' });
  });

  it('reports a truncated think block as incomplete, with no solution', () => {
    expect(stripThinking('<think>\nLet me see, maybe')).toEqual({ thought: 'Let me see, maybe', solution: '', complete: false, format: 'think-tags' });
  });

  it('handles the thought/solution markers and their truncations', () => {
    const full = '<|begin_of_thought|>\n\nt\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\ns\n\n<|end_of_solution|>trailer';
    expect(stripThinking(full)).toEqual({ thought: 't', solution: 's', complete: true, format: 'thought-solution' });
    expect(stripThinking('<|begin_of_thought|>t<|end_of_thought|><|begin_of_solution|>partial')).toEqual({
      thought: 't',
      solution: '',
      complete: false,
      format: 'thought-solution',
    });
    expect(stripThinking('<|begin_of_thought|>t<|end_of_thought|>\nplain solution')).toMatchObject({ solution: 'plain solution', complete: true });
    expect(stripThinking('<|begin_of_thought|>t<|begin_of_solution|>s<|end_of_solution|>')).toMatchObject({ thought: 't', solution: 's', complete: true });
    expect(stripThinking('<|begin_of_thought|>still going')).toMatchObject({ thought: 'still going', complete: false });
  });

  it('treats a text without markers as a solution, or as an unfinished thought on request', () => {
    expect(stripThinking(' 4 ')).toEqual({ thought: '', solution: '4', complete: true, format: 'none' });
    expect(stripThinking(' so far ', { unmarked: 'thought' })).toEqual({ thought: 'so far', solution: '', complete: false, format: 'none' });
  });

  it('honours the markers and thinkTag options', () => {
    const text = '<think>a</think><|begin_of_thought|>b<|end_of_thought|>c';
    expect(stripThinking(text).format).toBe('thought-solution');
    expect(stripThinking(text, { markers: 'think-tags' })).toMatchObject({ thought: 'a', format: 'think-tags' });
    expect(stripThinking('<reasoning>r</reasoning>x', { thinkTag: 'reasoning' })).toMatchObject({ thought: 'r', solution: 'x' });
    expect(stripThinking('<think>a</think>b', { markers: 'thought-solution' })).toMatchObject({ format: 'none', solution: '<think>a</think>b' });
  });

  it('rejects bad arguments with a TypeError naming them', () => {
    expect(() => stripThinking(undefined as never)).toThrow(/stripThinking: argument 'text' must be a string, got undefined/);
    expect(() => stripThinking('x', { markers: 'xml' as never })).toThrow(/option 'markers'/);
    expect(() => stripThinking('x', { unmarked: true as never })).toThrow(/option 'unmarked' must be 'solution' or 'thought', got boolean/);
    expect(() => stripThinking('x', { thinkTag: '<think>' })).toThrow(/option 'thinkTag'/);
    expect(() => stripThinking('x', [] as never)).toThrow(/argument 'options' must be an object/);
  });
});
