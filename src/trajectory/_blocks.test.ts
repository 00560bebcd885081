import { describe, expect, it } from 'vitest';
import { scanBlocks } from './_blocks.js';
import { splitLines } from './_lines.js';

const inside = (text: string): boolean[] => [...scanBlocks(splitLines(text)).inside];

describe('scanBlocks', () => {
  it('marks the lines of a fenced code block, closing line included', () => {
    expect(inside('a\n```js\n1. x\n\n```\nb')).toEqual([false, false, true, true, true, false]);
    expect(inside('~~~~\n```\n~~~\n~~~~\nb')).toEqual([false, true, true, true, false]);
  });

  it('does not close a backtick fence with a shorter one or one with text', () => {
    expect(inside('````\n```\n``` x\n````')).toEqual([false, true, true, true]);
  });

  it('marks display maths: $$, \\[ \\], \\begin \\end, and ignores one-line blocks', () => {
    expect(inside('$$\n2. x\n$$\n3. y')).toEqual([false, true, true, false]);
    expect(inside('\\[\n2. x\n\\]\n3. y')).toEqual([false, true, true, false]);
    expect(inside('\\begin{align}\n2. x \\\\[2pt]\n\\end{align}\n3.')).toEqual([false, true, true, false]);
    expect(inside('$$x$$\n\\[ y \\]\n2.')).toEqual([false, false, false]);
  });

  it('treats an opener that is never closed as text, and reports it', () => {
    const scan = scanBlocks(splitLines('a\n```\n1. x\n$$\n2. y'));
    expect(scan.inside).toEqual([false, false, false, false, false]);
    expect(scan.unclosed).toEqual([
      { index: 1, kind: 'fence', opener: '```' },
      { index: 3, kind: 'maths', opener: '$$' },
    ]);
  });

  it('does not look for fences inside maths nor for maths inside fences', () => {
    expect(inside('$$\n```\n$$\nb')).toEqual([false, true, true, false]);
    expect(inside('```\n$$\n```\nb')).toEqual([false, true, true, false]);
  });

  it('matches nested openers, and reports only those never closed', () => {
    const a = scanBlocks(splitLines('\\[\n\\[\nx\n\\]\ny'));
    expect(a.inside).toEqual([false, false, true, true, false]);
    expect(a.unclosed).toEqual([{ index: 0, kind: 'maths', opener: '\\[' }]);
    const b = scanBlocks(splitLines('\\begin{a}\n\\begin{b}\nx\n\\end{a}\ny'));
    expect(b.inside).toEqual([false, true, true, true, false]);
    expect(b.unclosed).toEqual([{ index: 1, kind: 'maths', opener: '\\begin{b}' }]);
  });

  it('stays linear with thousands of openers that are never closed', () => {
    for (const line of ['\\[', '```js', '\\begin{x}', '~~~~']) {
      const text = Array.from({ length: 20_000 }, () => line).join('\n');
      const t0 = performance.now();
      const scan = scanBlocks(splitLines(text));
      expect(performance.now() - t0).toBeLessThan(500);
      expect(scan.inside.some(Boolean)).toBe(line === '~~~~');
    }
  });
});
