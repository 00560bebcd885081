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

const NUMBERED = /^([ \t]*)(\d{1,9})([.)])(?=[ \t]|$)[ \t]*/;
const TITLE = /^\*\*(?![\s*])(.*?\S)\*\*(?!\*)[ \t]*(?::[ \t]*)?/;
const HEADING_MD = /^([ \t]{0,3})#{1,6}[ \t]*(?:\*\*)?step[ \t]+(\d{1,9})(?!\d)[ \t]*(?:\*\*)?[ \t]*(?:[:.)\u2013\u2014-][ \t]*)?(.*?)[ \t]*#*[ \t]*$/i;
const HEADING_BOLD = /^([ \t]{0,3})\*\*step[ \t]+(\d{1,9})(?!\d)[ \t]*(?:[:.)\u2013\u2014-][ \t]*)?(.*?)\*\*[ \t]*(?::[ \t]*)?(.*)$/i;
const HEADING_PLAIN = /^([ \t]{0,3})step[ \t]+(\d{1,9})[ \t]*[:.)\u2013\u2014-](?=[ \t]|$)[ \t]*(.*)$/i;

/**
 * Cleans a title: trims, drops wrapping `*` left over from bold, and a trailing colon.
 * @internal
 */
export function cleanTitle(raw: string): string | undefined {
  let t = raw.trim();
  t = t.replace(/^\*+|\*+$/g, '').trim();
  t = t.replace(/[ \t]*:$/, '').trim();
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
  let m = HEADING_MD.exec(text);
  if (m !== null) {
    return { number: Number(m[2]), indent: indentWidth(m[1] as string), title: cleanTitle(m[3] as string), bodyOffset: text.length };
  }
  m = HEADING_BOLD.exec(text);
  if (m !== null) {
    const body = m[4] as string;
    return {
      number: Number(m[2]),
      indent: indentWidth(m[1] as string),
      title: cleanTitle(m[3] as string),
      bodyOffset: text.length - body.length,
    };
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
  /^(?:(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*(?:final[ \t]+answer|answer|conclusion|summary)\b|(?:thus|therefore|hence|so|in[ \t]+conclusion|in[ \t]+summary|finally|consequently|the[ \t]+(?:final[ \t]+)?answer)\b|(?:\\\[|\$\$)?[ \t]*\\boxed\b|(?:-{3,}|\*{3,}|_{3,})[ \t]*$)/i;
