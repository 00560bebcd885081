import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pySplit } from '../_lib/python-whitespace.js';
import { splitParagraphs } from './split-paragraphs.js';

const squash = (text: string): string => pySplit(text).join('');

describe('splitParagraphs', () => {
  it('splits at blank lines and trims', () => {
    expect(splitParagraphs('  a\nb  \n\n\n c \n \t\nd\n')).toEqual(['a\nb', 'c', 'd']);
    expect(splitParagraphs('a\r\n\r\nb\r\rc')).toEqual(['a', 'b', 'c']);
    expect(splitParagraphs('')).toEqual([]);
    expect(splitParagraphs(' \n\n ')).toEqual([]);
  });

  it('never splits inside fenced code or display maths', () => {
    expect(splitParagraphs('Code:\n```\nx = 1\n\ny = 2\n```\nend\n\nnext')).toEqual(['Code:\n```\nx = 1\n\ny = 2\n```\nend', 'next']);
    expect(splitParagraphs('~~~\na\n\nb\n~~~\n\nc')).toEqual(['~~~\na\n\nb\n~~~', 'c']);
    expect(splitParagraphs('$$\na\n\nb\n$$\n\nc')).toEqual(['$$\na\n\nb\n$$', 'c']);
    expect(splitParagraphs('\\[\na\n\n\\]\n\nc')).toEqual(['\\[\na\n\n\\]', 'c']);
    expect(splitParagraphs('\\begin{align}\na\n\nb\n\\end{align}\n\nc')).toEqual(['\\begin{align}\na\n\nb\n\\end{align}', 'c']);
  });

  it('treats a block that is never closed as text', () => {
    expect(splitParagraphs('a\n$$\nb\n\nc')).toEqual(['a\n$$\nb', 'c']);
  });

  it('merges short paragraphs into the next one, or the previous one', () => {
    const text = 'Let x = 2.\n\nWait.\n\nHmm.\n\nThen x + 3 = 5.\n\nOk.';
    // 'Wait.' joins 'Hmm.': together they are long enough. 'Ok.' has no next paragraph and goes back.
    expect(splitParagraphs(text, { minLength: 6 })).toEqual(['Let x = 2.', 'Wait.\n\nHmm.', 'Then x + 3 = 5.\n\nOk.']);
    expect(splitParagraphs(text, { minLength: 13 })).toEqual(['Let x = 2.\n\nWait.', 'Hmm.\n\nThen x + 3 = 5.\n\nOk.']);
    expect(splitParagraphs(text, { minLength: 6, mergeInto: 'previous' })).toEqual(['Let x = 2.\n\nWait.\n\nHmm.', 'Then x + 3 = 5.\n\nOk.']);
    // The first paragraph has no previous one: 'bb' joins it, and together they are long enough.
    expect(splitParagraphs('a\n\nbb\n\nlong enough', { minLength: 5, mergeInto: 'previous' })).toEqual(['a\n\nbb', 'long enough']);
    expect(splitParagraphs('a\n\nlong enough', { minLength: 5, mergeInto: 'previous' })).toEqual(['a\n\nlong enough']);
    expect(splitParagraphs('tiny', { minLength: 100 })).toEqual(['tiny']);
    expect(splitParagraphs('a\n\nb', { minLength: 0 })).toEqual(['a', 'b']);
  });

  it('measures length in code points', () => {
    expect(splitParagraphs('😀😀\n\nx', { minLength: 3 })).toEqual(['😀😀\n\nx']);
    expect(splitParagraphs('😀😀😀\n\nx', { minLength: 3 })).toEqual(['😀😀😀\n\nx']);
    expect(splitParagraphs('😀😀😀\n\nxyz', { minLength: 3 })).toEqual(['😀😀😀', 'xyz']);
  });

  it('loses nothing but whitespace and returns no empty paragraph (property)', () => {
    const line = fc.constantFrom('a', 'b c', '', ' ', '```', '~~~', '$$', '\\[', '\\]', '1. x', '\\begin{x}', '\\end{x}', '\t');
    const text = fc.array(line, { maxLength: 30 }).map((ls) => ls.join('\n'));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 8 }), fc.constantFrom('next' as const, 'previous' as const), (t, minLength, mergeInto) => {
        const ps = splitParagraphs(t, { minLength, mergeInto });
        expect(squash(ps.join(''))).toBe(squash(t));
        for (const p of ps) expect(p.length).toBeGreaterThan(0);
        if (minLength === 0) for (const p of ps) expect(splitParagraphs(p)).toEqual([p]);
      }),
    );
  });

  it('rejects bad arguments with a TypeError naming them', () => {
    expect(() => splitParagraphs(3 as never)).toThrow(/splitParagraphs: argument 'text' must be a string, got number/);
    expect(() => splitParagraphs('a', 'x' as never)).toThrow(/argument 'options' must be an object/);
    expect(() => splitParagraphs('a', { minLength: -1 })).toThrow(/option 'minLength' must be a non-negative integer, got -1/);
    expect(() => splitParagraphs('a', { minLength: 1.5 })).toThrow(/option 'minLength'/);
    expect(() => splitParagraphs('a', { mergeInto: 'up' as never })).toThrow(/option 'mergeInto' must be 'next' or 'previous', got "up"/);
  });
});
