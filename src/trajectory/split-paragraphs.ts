import { assertOptions, assertString } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { isPythonSpace, pyStrip } from '../_lib/python-whitespace.js';
import { scanBlocks } from './_blocks.js';
import { codePointLength, isBlank, splitLines, type Line } from './_lines.js';

/** Options of {@link splitParagraphs}. */
export interface SplitParagraphsOptions {
  /**
   * Merge paragraphs shorter than this many characters (Unicode code points, as
   * Python's `len()`) into a neighbour (default `0`: no merging): a short paragraph
   * is joined with the next ones until the joined text is this long. Useful for
   * long chains of thought, where "Wait." or "Hmm." is a paragraph of its own.
   */
  readonly minLength?: number | undefined;
  /**
   * Where a short paragraph goes: `'next'` (default; a short paragraph usually
   * announces what follows) or `'previous'` (joined onto the paragraph before it).
   * A short paragraph with no neighbour in that direction goes the other way; a
   * text with one paragraph keeps it.
   */
  readonly mergeInto?: 'next' | 'previous' | undefined;
}

/** The keys of {@link SplitParagraphsOptions}. @internal */
export const PARAGRAPH_OPTION_KEYS = optionKeys<SplitParagraphsOptions>({ minLength: true, mergeInto: true });

/**
 * A paragraph's position: 0-based indexes of its first and last line, and its
 * offsets in the text (before trimming).
 * @internal
 */
export interface ParagraphSpan {
  readonly first: number;
  readonly last: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * The paragraphs of `lines[from..to)`: runs of lines separated by blank lines
 * that are not inside a fenced code block or display maths. Empty paragraphs are
 * left out; each is trimmed with Python's `str.strip()` whitespace.
 * @internal
 */
export function paragraphSpans(
  source: string,
  lines: readonly Line[],
  inside: readonly boolean[],
  from = 0,
  to = lines.length,
): ParagraphSpan[] {
  const spans: ParagraphSpan[] = [];
  let first = -1;
  const close = (last: number): void => {
    if (first === -1) return;
    const start = (lines[first] as Line).start;
    const end = (lines[last] as Line).end;
    const text = pyStrip(source.slice(start, end));
    if (text.length > 0) spans.push({ first, last, start, end, text });
    first = -1;
  };
  for (let i = from; i < to; i++) {
    const separator = isBlank((lines[i] as Line).text) && inside[i] !== true;
    if (separator) close(i - 1);
    else if (first === -1) first = i;
  }
  close(to - 1);
  return spans;
}

/**
 * A paragraph, or paragraphs merged, whose text is not cut yet: `from` and `to` bound
 * the trimmed text in the source, `length` counts its code points.
 */
interface Merged {
  readonly first: number;
  readonly last: number;
  readonly start: number;
  readonly end: number;
  readonly from: number;
  readonly to: number;
  readonly length: number;
}

function merged(source: string, s: ParagraphSpan): Merged {
  let from = s.start;
  while (isPythonSpace(source.charCodeAt(from))) from++;
  return { first: s.first, last: s.last, start: s.start, end: s.end, from, to: from + s.text.length, length: codePointLength(s.text) };
}

/**
 * `a` and `b` joined: the source from the first to the last, trimmed. Only the blank
 * lines between them are counted, so joining many paragraphs costs linear time. (No
 * surrogate pair is cut: `a` ends before whitespace or a line break, `b` starts after one.)
 */
function join(source: string, a: Merged, b: Merged): Merged {
  const gap = codePointLength(source.slice(a.to, b.from));
  return { first: a.first, last: b.last, start: a.start, end: b.end, from: a.from, to: b.to, length: a.length + gap + b.length };
}

function span(source: string, m: Merged): ParagraphSpan {
  return { first: m.first, last: m.last, start: m.start, end: m.end, text: source.slice(m.from, m.to) };
}

/**
 * Merges paragraphs shorter than `minLength` code points into a neighbour.
 * @internal
 */
export function mergeShortParagraphs(
  source: string,
  spans: readonly ParagraphSpan[],
  minLength: number,
  mergeInto: 'next' | 'previous',
): ParagraphSpan[] {
  if (minLength <= 0 || spans.length < 2) return [...spans];
  const short = (s: Merged): boolean => s.length < minLength;
  const out: Merged[] = [];
  if (mergeInto === 'next') {
    let cur: Merged | undefined;
    for (const s of spans) {
      const m = merged(source, s);
      cur = cur === undefined ? m : join(source, cur, m);
      if (!short(cur)) {
        out.push(cur);
        cur = undefined;
      }
    }
    if (cur !== undefined) {
      const last = out.pop();
      out.push(last === undefined ? cur : join(source, last, cur));
    }
  } else {
    for (const s of spans) {
      const m = merged(source, s);
      const last = out[out.length - 1];
      if (last !== undefined && short(m)) out[out.length - 1] = join(source, last, m);
      else out.push(m);
    }
    const head = out[0];
    const second = out[1];
    if (head !== undefined && second !== undefined && short(head)) out.splice(0, 2, join(source, head, second));
  }
  return out.map((m) => span(source, m));
}

/**
 * Reads and checks the options of {@link splitParagraphs} (`prefix`: where they are
 * nested, `'paragraphs.'` for `options.paragraphs`), unknown keys included.
 * @internal
 */
export function paragraphOptions(
  options: SplitParagraphsOptions | undefined,
  fn: string,
  prefix = '',
): { minLength: number; mergeInto: 'next' | 'previous' } {
  const arg = prefix === '' ? 'options' : `options.${prefix.slice(0, -1)}`;
  assertOptions(options, fn, arg);
  assertKnownKeys(options, PARAGRAPH_OPTION_KEYS, fn, arg);
  const minLength = options?.minLength ?? 0;
  if (typeof minLength !== 'number' || !Number.isInteger(minLength) || minLength < 0) {
    const got = typeof minLength === 'number' ? String(minLength) : describeType(minLength);
    throw new TypeError(`${fn}: option '${prefix}minLength' must be a non-negative integer, got ${got}`);
  }
  const mergeInto = options?.mergeInto ?? 'next';
  if (mergeInto !== 'next' && mergeInto !== 'previous') {
    const got = typeof mergeInto === 'string' ? JSON.stringify(mergeInto) : describeType(mergeInto);
    throw new TypeError(`${fn}: option '${prefix}mergeInto' must be 'next' or 'previous', got ${got}`);
  }
  return { minLength, mergeInto };
}

/**
 * Splits a text into paragraphs at blank lines, the way a reader sees them: a
 * blank line inside a fenced code block (``` or ~~~) or a display-maths block
 * (`$$ ... $$`, `\[ ... \]`, `\begin{..} ... \end{..}`) does not end a paragraph.
 * Paragraphs are trimmed (Python's `str.strip()` whitespace) and never empty; an
 * opener that is never closed opens nothing. Lines end at `\n`, `\r\n` or `\r`.
 *
 * With `minLength`, paragraphs shorter than that (in code points) are merged into
 * the next one (or, with `mergeInto: 'previous'`, the previous one); a merged
 * paragraph is the original text from the first to the last, blank lines included.
 * A key of `options` other than these two is a `TypeError` naming the nearest one.
 *
 * @example
 * ```ts
 * import { splitParagraphs } from 'srl-kit';
 * splitParagraphs('So x = 2.\n\nWait.\n\nCheck: 2 + 3 = 5.\n');
 * //=> ['So x = 2.', 'Wait.', 'Check: 2 + 3 = 5.']
 * splitParagraphs('So x = 2.\n\nWait.\n\nCheck: 2 + 3 = 5.\n', { minLength: 6 });
 * //=> ['So x = 2.', 'Wait.\n\nCheck: 2 + 3 = 5.']
 * splitParagraphs('We get\n$$\nx = 1\n\ny = 2\n$$\n\nDone.');
 * //=> ['We get\n$$\nx = 1\n\ny = 2\n$$', 'Done.']
 * ```
 */
export function splitParagraphs(text: string, options?: SplitParagraphsOptions): string[] {
  return paragraphsOf(text, options, 'splitParagraphs', 'text');
}

/**
 * {@link splitParagraphs} under the name of its caller `fn` (whose first argument is `arg`), for errors.
 * @internal
 */
export function paragraphsOf(text: string, options: SplitParagraphsOptions | undefined, fn: string, arg: string): string[] {
  assertString(text, fn, arg);
  const { minLength, mergeInto } = paragraphOptions(options, fn);
  const lines = splitLines(text);
  const { inside } = scanBlocks(lines);
  const spans = mergeShortParagraphs(text, paragraphSpans(text, lines, inside), minLength, mergeInto);
  return spans.map((s) => s.text);
}
