import { describe, expect, it } from 'vitest';
import { codePointLength, indentWidth, isBlank, splitLines } from './_lines.js';

describe('splitLines', () => {
  it('splits at \\n, \\r\\n and \\r and keeps offsets', () => {
    const text = 'a\r\nbb\rc\n\nd';
    const lines = splitLines(text);
    expect(lines.map((l) => l.text)).toEqual(['a', 'bb', 'c', '', 'd']);
    for (const l of lines) expect(text.slice(l.start, l.end)).toBe(l.text);
  });

  it('gives one empty line for an empty text and no extra line after a final terminator', () => {
    expect(splitLines('')).toEqual([{ text: '', start: 0, end: 0 }]);
    expect(splitLines('a\n').map((l) => l.text)).toEqual(['a']);
    expect(splitLines('a\n\n').map((l) => l.text)).toEqual(['a', '']);
  });
});

describe('isBlank, indentWidth, codePointLength', () => {
  it('uses Python whitespace for blank lines', () => {
    expect(isBlank(' \t\u00a0\u0085')).toBe(true);
    expect(isBlank('\ufeff')).toBe(false);
    expect(isBlank('')).toBe(true);
  });

  it('counts tabs to the next multiple of 4', () => {
    expect(indentWidth('   1.')).toBe(3);
    expect(indentWidth('\t1.')).toBe(4);
    expect(indentWidth('  \tx')).toBe(4);
    expect(indentWidth('x')).toBe(0);
  });

  it('counts code points, as Python len()', () => {
    expect(codePointLength('a😀b')).toBe(3);
    expect(codePointLength('\ud800x')).toBe(2);
  });
});
