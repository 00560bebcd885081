import { isPythonSpace } from '../_lib/python-whitespace.js';

/**
 * One line of a text, without its terminator, with its offsets in the text.
 * @internal
 */
export interface Line {
  /** The line's text, without `\n`, `\r\n` or `\r`. */
  readonly text: string;
  /** Offset of its first character in the whole text. */
  readonly start: number;
  /** Offset just past its last character (before the terminator). */
  readonly end: number;
}

/**
 * Splits a text into lines at `\n`, `\r\n` and `\r`, keeping each line's offsets.
 * An empty text is one empty line; a final terminator ends the last line without
 * starting an empty one after it.
 * @internal
 */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) {
      lines.push({ text: text.slice(start, i), start, end: i });
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      start = i + 1;
    }
  }
  if (start < text.length || lines.length === 0) lines.push({ text: text.slice(start), start, end: text.length });
  return lines;
}

/**
 * Whether a line holds nothing but (Python) whitespace.
 * @internal
 */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isPythonSpace(text.charCodeAt(i))) return false;
  return true;
}

/**
 * The width of a line's leading spaces and tabs in columns, a tab advancing to the
 * next multiple of 4 (as in CommonMark).
 * @internal
 */
export function indentWidth(text: string): number {
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) col++;
    else if (c === 0x09) col += 4 - (col % 4);
    else break;
  }
  return col;
}

/**
 * The number of code points in a string (what Python's `len()` counts).
 * @internal
 */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
