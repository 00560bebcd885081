import { indentWidth } from './_lines.js';

/**
 * A line that starts a numbered list item: `N. ` or `N) `, optionally followed by
 * a bold title (`**Title**:`, `**Title:**` or `**Title**`).
 * @internal
 */
export interface NumberedMarker {
  readonly number: number;
  readonly delimiter: '.' | ')';
  /** Indentation of the marker, in columns (a tab counts to the next multiple of 4). */
  readonly indent: number;
  /** Column where the item's content starts: indent + digits + delimiter + 1. */
  readonly contentColumn: number;
  /** The bold title, without the `**` and a trailing colon; `undefined` when there is none. */
  readonly title: string | undefined;
  /** Offset in the line where the body starts (after the number, the title and its colon). */
  readonly bodyOffset: number;
}

/**
 * A `Step N` heading: `### Step N: Title`, `**Step N: Title**`, `**Step N:** body`
 * or `Step N: body` (case-insensitive).
 * @internal
 */
export interface StepHeading {
  readonly number: number;
  readonly indent: number;
  /** The title (Markdown heading text, or the bold text after the number), if any. */
  readonly title: string | undefined;
  /** Offset in the line where the body starts; the line's length for a Markdown heading (body on the next lines). */
  readonly bodyOffset: number;
}

// Every pattern here is anchored and runs in time linear in the line, whatever the
// line holds (long runs of spaces, `*` or `#`, `\u2028`): where two quantifiers could
// share characters before a failure (the tails of the headings), the line is read
// by hand instead, with the same result as the regular expression it replaces.
const NUMBERED = /^([ \t]*)(\d{1,9})([.)])(?=[ \t]|$)[ \t]*/;
const TITLE = /^\*\*(?![\s*])(.*?\S)\*\*(?!\*)[ \t]*(?::[ \t]*)?/;
/** `#{1,6} Step N` (then `[ \t]*(?:\*\*)?[ \t]*(?:[:.)\u2013\u2014-][ \t]*)?(.*?)[ \t]*#*[ \t]*$`, read by hand). */
const HEADING_MD = /^([ \t]{0,3})#{1,6}[ \t]*(?:\*\*)?step[ \t]+(\d{1,9})(?!\d)/i;
/** `**Step N` (then `[ \t]*(?:[:.)\u2013\u2014-][ \t]*)?(.*?)\*\*[ \t]*(?::[ \t]*)?(.*)$`, read by hand). */
const HEADING_BOLD = /^([ \t]{0,3})\*\*step[ \t]+(\d{1,9})(?!\d)/i;
const HEADING_PLAIN = /^([ \t]{0,3})step[ \t]+(\d{1,9})[ \t]*[:.)\u2013\u2014-](?=[ \t]|$)[ \t]*(.*)$/i;
/** What `.` does not match in a line (the line breaks `\n` and `\r` already split lines). */
const LINE_SEPARATOR = /[\u2028\u2029]/;
const HEADING_DELIMITERS = ':.)\u2013\u2014-';

function isBlankChar(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function skipBlanks(text: string, i: number): number {
  while (isBlankChar(text[i])) i++;
  return i;
}

/** After a heading's number: `[ \t]*` and an optional delimiter with the blanks after it. */
function skipDelimiter(text: string, i: number): number {
  i = skipBlanks(text, i);
  const c = text[i];
  return c !== undefined && HEADING_DELIMITERS.includes(c) ? skipBlanks(text, i + 1) : i;
}

/**
 * Cleans a title: trims, drops wrapping `*` left over from bold, and a trailing colon
 * (as `t.replace(/^\*+|\*+$/g, '').trim().replace(/[ \t]*:$/, '').trim()`, in linear time).
 * @internal
 */
export function cleanTitle(raw: string): string | undefined {
  let t = raw.trim();
  let a = 0;
  let b = t.length;
  while (a < b && t[a] === '*') a++;
  while (b > a && t[b - 1] === '*') b--;
  t = t.slice(a, b).trim();
  if (t.endsWith(':')) {
    let e = t.length - 1;
    while (e > 0 && isBlankChar(t[e - 1])) e--;
    t = t.slice(0, e);
  }
  t = t.trim();
  return t.length > 0 ? t : undefined;
}

/**
 * Matches a numbered list item at the start of a line.
 * @internal
 */
export function matchNumbered(text: string): NumberedMarker | undefined {
  const m = NUMBERED.exec(text);
  if (m === null) return undefined;
  const indentText = m[1] as string;
  const digits = m[2] as string;
  const indent = indentWidth(indentText);
  let bodyOffset = m[0].length;
  let title: string | undefined;
  const t = TITLE.exec(text.slice(bodyOffset));
  if (t !== null) {
    title = cleanTitle(t[1] as string);
    if (title !== undefined) bodyOffset += t[0].length;
  }
  return {
    number: Number(digits),
    delimiter: m[3] as '.' | ')',
    indent,
    contentColumn: indent + digits.length + 2,
    title,
    bodyOffset,
  };
}

/**
 * Matches a `Step N` heading line.
 * @internal
 */
export function matchStepHeading(text: string): StepHeading | undefined {
  // No pattern matches across a line separator: each ends in `.*` and `$`.
  if (LINE_SEPARATOR.test(text)) return undefined;
  let m = HEADING_MD.exec(text);
  if (m !== null) {
    // Optional `**`, a delimiter, then the title up to a closing `[ \t]*#*[ \t]*`.
    let i = skipBlanks(text, m[0].length);
    if (text.startsWith('**', i)) i += 2;
    i = skipDelimiter(text, i);
    let end = text.length;
    while (end > i && isBlankChar(text[end - 1])) end--;
    while (end > i && text[end - 1] === '#') end--;
    while (end > i && isBlankChar(text[end - 1])) end--;
    return { number: Number(m[2]), indent: indentWidth(m[1] as string), title: cleanTitle(text.slice(i, end)), bodyOffset: text.length };
  }
  m = HEADING_BOLD.exec(text);
  if (m !== null) {
    // A delimiter, the title up to the first `**`, then an optional colon: the body.
    const i = skipDelimiter(text, m[0].length);
    const close = text.indexOf('**', i);
    if (close !== -1) {
      let body = skipBlanks(text, close + 2);
      if (text[body] === ':') body = skipBlanks(text, body + 1);
      return { number: Number(m[2]), indent: indentWidth(m[1] as string), title: cleanTitle(text.slice(i, close)), bodyOffset: body };
    }
  }
  m = HEADING_PLAIN.exec(text);
  if (m !== null) {
    const body = m[3] as string;
    return { number: Number(m[2]), indent: indentWidth(m[1] as string), title: undefined, bodyOffset: text.length - body.length };
  }
  return undefined;
}

/**
 * The built-in conclusion cue: a line that starts a final answer or a concluding
 * sentence ("**Final Answer**", "Thus, ...", "Therefore ...", "The answer is ...",
 * a `\boxed{}` line, a thematic break `---`).
 * @internal
 */
export const CONCLUSION_CUE =
  // `(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*` spelled so that no two `[ \t]*` can share a run of blanks.
  /^(?:(?:#{1,6}[ \t]*(?:(?:\*\*|__)[ \t]*)?|(?:\*\*|__)?[ \t]*)(?:final[ \t]+answer|answer|conclusion|summary)\b|(?:thus|therefore|hence|so|in[ \t]+conclusion|in[ \t]+summary|finally|consequently|the[ \t]+(?:final[ \t]+)?answer)\b|(?:\\\[|\$\$)?[ \t]*\\boxed\b|(?:-{3,}|\*{3,}|_{3,})[ \t]*$)/i;
