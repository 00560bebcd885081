import { assertOptions, assertString } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { pyStrip } from '../_lib/python-whitespace.js';
import { scanBlocks, type UnclosedBlock } from './_blocks.js';
import { indentWidth, isBlank, splitLines, type Line } from './_lines.js';
import { CONCLUSION_CUE, matchNumbered, matchStepHeading } from './_step-markers.js';
import { mergeShortParagraphs, paragraphOptions, paragraphSpans, type SplitParagraphsOptions } from './split-paragraphs.js';
import { foundValue, TrajectoryError } from './trajectory-error.js';
import type { Step } from './types.js';

/** How a solution was cut into steps: which format was recognised. */
export type SolutionFormat =
  /** `1. **Title**: body` numbered steps (the paper's DeepSeek-R1 format). */
  | 'numbered'
  /** `Step N:` / `**Step N:**` / `### Step N` headings. */
  | 'step-headings'
  /** One step per paragraph (blank-line separated), the last resort. */
  | 'paragraphs';

/** A format tried when the text has no numbered steps. */
export type SolutionFallback = 'step-headings' | 'paragraphs';

/** Options of {@link parseNumberedSolution}. */
export interface ParseNumberedSolutionOptions {
  /**
   * Reject instead of repair (default `false`). With `strict: true`, text that is
   * not in the numbered format throws (the paper dropped such solutions; no
   * fallback applies unless `fallback` names one), and so does any irregularity
   * that lenient mode would record in `issues`: a gap in the numbering, a repeated
   * or out-of-order step number, a fence or display-maths block never closed, an
   * empty step. The error names the line, what was expected and what was found.
   */
  readonly strict?: boolean | undefined;
  /**
   * What to try when the text has no numbered steps, in order: `'step-headings'`
   * (`Step N:` / `**Step N:**` / `### Step N` headings), then `'paragraphs'` (one
   * step per paragraph). Default `['step-headings', 'paragraphs']`, or `'none'`
   * when `strict` is on. `'none'` (or `[]`): only numbered steps are accepted.
   */
  readonly fallback?: SolutionFallback | 'none' | readonly SolutionFallback[] | undefined;
  /**
   * Which numbered lines start a step (default `'auto'`):
   * - `'required'`: only `N. **Title**...` lines, the paper's format exactly; an
   *   untitled numbered list is then not a numbered solution;
   * - `'optional'`: any `N. ` line with the expected number;
   * - `'auto'`: if some line `1. **Title**` exists, the steps are the titled list
   *   that starts there (untitled numbered lines are body text, e.g. a list of
   *   givens in the preamble or a sub-list in a step); otherwise as `'optional'`.
   */
  readonly titles?: 'auto' | 'required' | 'optional' | undefined;
  /**
   * What `Step.action` holds (default `'full'`):
   * - `'full'`: the complete step as written, `2. **Coprime Pairs**: body` (the
   *   paper's target is "each complete numbered step");
   * - `'body'`: the step without its `2. **Coprime Pairs**:` prefix, for prompts
   *   that give the title as a hint and score the rest.
   * `Step.title` holds the title either way.
   */
  readonly action?: 'full' | 'body' | undefined;
  /**
   * Where the text after the last step stops belonging to it (default `'cue'`):
   * - `'cue'`: at the first top-level line after the last step's first line that
   *   follows a blank line (or is a heading or bold line) and starts like a
   *   conclusion: `**Final Answer**`, `Thus`, `Therefore`, `Hence`, `So`,
   *   `Finally`, `In conclusion`, `The answer is`, a `\boxed{}` line, or a `---`
   *   rule. "Top-level" means indented less than step 1's content;
   * - a `RegExp`: the same, with your pattern tested on the trimmed line;
   * - `'none'`: everything after the last step's line is in the last step.
   */
  readonly conclusion?: 'cue' | 'none' | RegExp | undefined;
  /**
   * The largest jump in numbering taken as a gap rather than as body text
   * (default `3`: after step 2, a top-level `3.` to `6.` line can start a step, a
   * `2024.` line cannot). A gap throws in strict mode; in lenient mode the line
   * starts the next step and the gap is recorded in `issues`.
   */
  readonly maxGap?: number | undefined;
  /** Options of the paragraphs fallback (see {@link splitParagraphs}). */
  readonly paragraphs?: SplitParagraphsOptions | undefined;
  /** A file name or label of the input, copied into errors. */
  readonly source?: string | undefined;
  /** A JSON path of the input in its record (e.g. `$.solution`), copied into errors. */
  readonly path?: string | undefined;
  /** The line number of the text's first line in its file (default `1`), for error positions. */
  readonly firstLine?: number | undefined;
}

/** Where a step was found. */
export interface StepSpan {
  /** The step's number as written (`3` for `3. ...`); for paragraphs, its position from 1. */
  readonly number: number;
  /** Line of the step's first line (counted from `firstLine`). */
  readonly line: number;
  /** Line of the step's last non-blank line. */
  readonly endLine: number;
}

/** What {@link parseNumberedSolution} returns. */
export interface ParsedSolution {
  /** The steps, in order; never empty. */
  readonly steps: Step[];
  /** Which format was recognised (which fallback applied). */
  readonly format: SolutionFormat;
  /** Text before the first step, trimmed (`''` when none; always `''` for paragraphs). */
  readonly preamble: string;
  /** Text after the last step (a final answer), trimmed (`''` when none; always `''` for paragraphs). */
  readonly conclusion: string;
  /** Where each step was found, parallel to `steps`. */
  readonly spans: StepSpan[];
  /** What lenient mode repaired or let pass (what strict mode throws), in line order. */
  readonly issues: TrajectoryError[];
}

const FN = 'parseNumberedSolution';

/** The keys of {@link ParseNumberedSolutionOptions}. @internal */
export const NUMBERED_OPTION_KEYS = optionKeys<ParseNumberedSolutionOptions>({
  strict: true,
  fallback: true,
  titles: true,
  action: true,
  conclusion: true,
  maxGap: true,
  paragraphs: true,
  source: true,
  path: true,
  firstLine: true,
});

interface Resolved {
  strict: boolean;
  fallbacks: readonly SolutionFallback[];
  titles: 'auto' | 'required' | 'optional';
  action: 'full' | 'body';
  cue: RegExp | undefined;
  maxGap: number;
  minLength: number;
  mergeInto: 'next' | 'previous';
  source: string | undefined;
  path: string | undefined;
  firstLine: number;
}

function enumOption<T extends string>(fn: string, value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const got = typeof value === 'string' ? JSON.stringify(value) : describeType(value);
    throw new TypeError(`${fn}: option '${name}' must be ${allowed.map((a) => `'${a}'`).join(', ')}, got ${got}`);
  }
  return value as T;
}

function optionalString(fn: string, value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new TypeError(`${fn}: option '${name}' must be a string, got ${describeType(value)}`);
}

function integerOption(fn: string, value: unknown, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const got = typeof value === 'number' ? String(value) : describeType(value);
    throw new TypeError(`${fn}: option '${name}' must be an integer >= ${min}, got ${got}`);
  }
  return value;
}

/**
 * Checks the options (the caller, `fn`, has checked that `options` is an object
 * with no unknown key) and applies the defaults.
 */
function resolve(options: ParseNumberedSolutionOptions | undefined, fn: string): Resolved {
  const o = options ?? {};
  if (o.strict !== undefined && typeof o.strict !== 'boolean') {
    throw new TypeError(`${fn}: option 'strict' must be a boolean, got ${describeType(o.strict)}`);
  }
  const strict = o.strict ?? false;
  let fallbacks: readonly SolutionFallback[];
  const fb: unknown = o.fallback;
  const kinds = ['step-headings', 'paragraphs'];
  if (fb === undefined) fallbacks = strict ? [] : ['step-headings', 'paragraphs'];
  else if (fb === 'none') fallbacks = [];
  else if (typeof fb === 'string' && kinds.includes(fb)) fallbacks = [fb as SolutionFallback];
  else if (Array.isArray(fb) && fb.every((f) => typeof f === 'string' && kinds.includes(f))) fallbacks = fb as SolutionFallback[];
  else {
    const got = typeof fb === 'string' ? JSON.stringify(fb) : describeType(fb);
    throw new TypeError(`${fn}: option 'fallback' must be 'step-headings', 'paragraphs', 'none' or an array of the first two, got ${got}`);
  }
  const titles = enumOption(fn, o.titles, 'titles', ['auto', 'required', 'optional'] as const, 'auto');
  const action = enumOption(fn, o.action, 'action', ['full', 'body'] as const, 'full');
  let cue: RegExp | undefined;
  const c: unknown = o.conclusion;
  if (c === undefined || c === 'cue') cue = CONCLUSION_CUE;
  else if (c === 'none') cue = undefined;
  else if (c instanceof RegExp) cue = new RegExp(c.source, c.flags.replace(/[gy]/g, ''));
  else {
    const got = typeof c === 'string' ? JSON.stringify(c) : describeType(c);
    throw new TypeError(`${fn}: option 'conclusion' must be 'cue', 'none' or a RegExp, got ${got}`);
  }
  const maxGap = integerOption(fn, o.maxGap, 'maxGap', 0, 3);
  const { minLength, mergeInto } = paragraphOptions(o.paragraphs, fn, 'paragraphs.');
  return {
    strict,
    fallbacks,
    titles,
    action,
    cue,
    maxGap,
    minLength,
    mergeInto,
    source: optionalString(fn, o.source, 'source'),
    path: optionalString(fn, o.path, 'path'),
    firstLine: integerOption(fn, o.firstLine, 'firstLine', 1, 1),
  };
}

/** One step start found in the text, whatever its format. */
interface Start {
  index: number;
  number: number;
  title: string | undefined;
  /** Offset in the whole text where the body starts. */
  bodyStart: number;
}

interface Issue {
  index: number;
  expected: string;
  found: string;
}

interface Attempt {
  format: SolutionFormat;
  starts: Start[];
  /** Index of the first line of the conclusion, or `lines.length`. */
  conclusionAt: number;
  issues: Issue[];
}

interface Context {
  text: string;
  lines: readonly Line[];
  inside: readonly boolean[];
  opts: Resolved;
}

/**
 * Follows the numbering from step 1 through the candidate lines: the expected
 * number starts a step; with sub-lists, `1.` (and the numbers that continue it)
 * stays in the step; a small jump is a gap; a smaller number is a repeat; a big
 * jump is body text.
 */
function follow(first: Start, candidates: readonly Start[], ctx: Context, subLists: boolean): { starts: Start[]; issues: Issue[] } {
  const starts = [first];
  const issues: Issue[] = [];
  let expected = first.number + 1;
  let sub = 0;
  for (const c of candidates) {
    const n = c.number;
    if (n === expected) {
      starts.push(c);
      expected++;
      sub = 0;
    } else if (subLists && n === 1) {
      sub = 2;
    } else if (subLists && sub > 0 && n === sub) {
      sub++;
    } else if (n > expected) {
      if (n - expected > ctx.opts.maxGap) continue;
      issues.push({ index: c.index, expected: `step ${expected}`, found: `step ${n} (a gap in the numbering)` });
      starts.push(c);
      expected = n + 1;
      sub = 0;
    } else {
      issues.push({ index: c.index, expected: `step ${expected}`, found: `step ${n} again (a repeated or out-of-order number)` });
    }
  }
  return { starts, issues };
}

function findConclusion(ctx: Context, after: number, topLevel: (indent: number) => boolean): number {
  const { lines, inside, opts } = ctx;
  const cue = opts.cue;
  if (cue === undefined) return lines.length;
  for (let i = after + 1; i < lines.length; i++) {
    const raw = (lines[i] as Line).text;
    if (inside[i] === true || isBlank(raw) || !topLevel(indentWidth(raw))) continue;
    const t = raw.trim();
    const prev = (lines[i - 1] as Line).text;
    const separated = isBlank(prev) || t.startsWith('#') || t.startsWith('**') || t.startsWith('__') || /^(?:-{3,}|\*{3,}|_{3,})$/.test(t);
    if (!separated) continue;
    // A display-maths opener alone on its line: judge it with the line it opens.
    const next = lines[i + 1];
    const probe = (t === '\\[' || t === '$$') && next !== undefined ? `${t} ${next.text.trim()}` : t;
    if (cue.test(probe)) return i;
  }
  return lines.length;
}

function tryNumbered(ctx: Context): Attempt | Issue {
  const { lines, inside, opts } = ctx;
  let firstAny = -1;
  let firstTitled = -1;
  let firstNumbered = -1;
  let firstHeading = -1;
  for (let i = 0; i < lines.length; i++) {
    if (inside[i] === true) continue;
    const text = (lines[i] as Line).text;
    if (firstHeading === -1) {
      const h = matchStepHeading(text);
      if (h !== undefined && h.number === 1) firstHeading = i;
    }
    const m = matchNumbered(text);
    if (m === undefined || m.indent > 3) continue;
    if (firstNumbered === -1) firstNumbered = i;
    if (m.number !== 1) continue;
    if (firstAny === -1) firstAny = i;
    if (m.title !== undefined) {
      firstTitled = i;
      break;
    }
  }
  const startIndex = opts.titles === 'required' || (opts.titles === 'auto' && firstTitled !== -1) ? firstTitled : firstAny;
  if (startIndex === -1) {
    if (firstAny !== -1) {
      return {
        index: firstAny,
        expected: "a step title after '1.' ('1. **Title**: ...', option titles is 'required')",
        found: foundValue((lines[firstAny] as Line).text),
      };
    }
    if (firstNumbered !== -1) {
      const n = matchNumbered((lines[firstNumbered] as Line).text)?.number ?? 0;
      return { index: firstNumbered, expected: "step 1 ('1. ...')", found: `step ${n} first` };
    }
    let first = 0;
    while (first < lines.length - 1 && isBlank((lines[first] as Line).text)) first++;
    if (isBlank(ctx.text)) first = 0;
    const firstText = (lines[first] as Line).text;
    return {
      index: first,
      expected: "numbered steps ('1. **Title**: ...' at the start of a line)",
      found: isBlank(ctx.text) ? 'no text' : `no numbered step; the text starts with ${foundValue(firstText.trim())}`,
    };
  }
  if (firstHeading !== -1 && firstHeading < startIndex) {
    return {
      index: firstHeading,
      expected: "numbered steps ('1. **Title**: ...' at the start of a line)",
      found: "'Step N' headings, with a numbered list inside them",
    };
  }
  const m1 = matchNumbered((lines[startIndex] as Line).text);
  if (m1 === undefined) throw new Error('unreachable');
  const titled = opts.titles === 'required' || (opts.titles === 'auto' && m1.title !== undefined);
  const maxIndent = Math.min(3, m1.contentColumn - 1);
  const toStart = (i: number, m: NonNullable<ReturnType<typeof matchNumbered>>): Start => ({
    index: i,
    number: m.number,
    title: m.title,
    bodyStart: (lines[i] as Line).start + m.bodyOffset,
  });
  const candidates: Start[] = [];
  for (let i = startIndex + 1; i < lines.length; i++) {
    if (inside[i] === true) continue;
    const m = matchNumbered((lines[i] as Line).text);
    if (m === undefined || m.indent > maxIndent || m.delimiter !== m1.delimiter) continue;
    if (titled && m.title === undefined) continue;
    candidates.push(toStart(i, m));
  }
  const { starts, issues } = follow(toStart(startIndex, m1), candidates, ctx, true);
  const last = starts[starts.length - 1] as Start;
  const conclusionAt = findConclusion(ctx, last.index, (indent) => indent < m1.contentColumn);
  return { format: 'numbered', starts, conclusionAt, issues };
}

function tryHeadings(ctx: Context): Attempt | undefined {
  const { lines, inside } = ctx;
  let first: Start | undefined;
  const candidates: Start[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (inside[i] === true) continue;
    const line = lines[i] as Line;
    const h = matchStepHeading(line.text);
    if (h === undefined) continue;
    const s: Start = { index: i, number: h.number, title: h.title, bodyStart: line.start + h.bodyOffset };
    if (first === undefined) {
      if (h.number === 1) first = s;
    } else {
      candidates.push(s);
    }
  }
  if (first === undefined) return undefined;
  const { starts, issues } = follow(first, candidates, ctx, false);
  const last = starts[starts.length - 1] as Start;
  const conclusionAt = findConclusion(ctx, last.index, (indent) => indent <= 3);
  return { format: 'step-headings', starts, conclusionAt, issues };
}

function lastNonBlank(lines: readonly Line[], from: number, to: number): number {
  let j = to - 1;
  while (j > from && isBlank((lines[j] as Line).text)) j--;
  return j;
}

function closerOf(block: UnclosedBlock): string {
  if (block.kind === 'fence') return `a closing ${block.opener} fence`;
  if (block.opener === '$$') return "a closing '$$'";
  if (block.opener === '\\[') return "a closing '\\]'";
  return `a closing '${block.opener.replace('\\begin', '\\end')}'`;
}

/**
 * Cuts a maths solution into steps, the way the paper cut DeepSeek-R1 solutions:
 * each complete numbered step `N. **Title**: body` is one step (paper §1).
 *
 * **Numbered format.** A step starts at a line `1. ` (or `1) `) indented at most 3
 * spaces, outside fenced code (``` / ~~~) and display maths (`$$`, `\[ \]`,
 * `\begin{} \end{}`), and runs to the line where the next step starts. The next
 * step is the next number (`2.`, `3.`, ...) at the same level: same delimiter,
 * indented less than step 1's content, and titled when the steps are (see
 * `titles`). Everything else stays in the current step: an indented list, a list
 * that restarts at `1.` (and continues `2.`, `3.` while the step's own next
 * number has not come), a `2.` inside a code fence or `$$` block. A bold title
 * right after the number (`**Title**:`, `**Title:**` or `**Title**`) becomes
 * `Step.title`; `Step.action` is the whole step with its `N. **Title**:` prefix
 * (option `action: 'body'` drops it).
 *
 * **Preamble and conclusion.** Text before step 1 is returned as `preamble`; text
 * after the last step from a concluding line on ("**Final Answer**", "Thus, the
 * answer is ...": option `conclusion`) is returned as `conclusion`. Neither is a
 * step. An indented final line stays in the last step.
 *
 * **Irregular numbering.** A jump of up to `maxGap` (3) numbers is a gap; a number
 * below the expected one that does not continue a sub-list is a repeat. Strict
 * mode throws a {@link TrajectoryError} for either; lenient mode starts a step at
 * a gap, keeps a repeat as text, and records both in `issues`.
 *
 * **Fallbacks.** Without numbered steps (or when `Step N` headings come before
 * the first numbered line), the `fallback` formats are tried in order: `Step N`
 * headings (same rules, no sub-lists), then paragraphs. Strict mode has no
 * fallback unless you name one. When nothing applies a {@link TrajectoryError}
 * is thrown: the result never has zero steps.
 *
 * **Options.** A bad option value, and a key of `options` (or of
 * `options.paragraphs`) that is not an option, is a `TypeError`; for a key it names
 * the nearest valid one (`strct` -> `strict`), so that a misspelling never runs
 * with the default.
 *
 * Build a trajectory from the result: `{ task, steps: parsed.steps }`.
 *
 * @example
 * ```ts
 * import { parseNumberedSolution } from 'srl-kit';
 * const text = [
 *   'We count coprime pairs.',
 *   '',
 *   '1. **Factor**: 12 = 2^2 * 3.',
 *   '2. **Coprime Pairs**: split the prime powers:',
 *   '   1. 1 and 12',
 *   '   2. 3 and 4',
 *   '',
 *   '**Final Answer** \\boxed{4}',
 * ].join('\n');
 * const parsed = parseNumberedSolution(text);
 * parsed.format; //=> 'numbered'
 * parsed.steps[0]; //=> { action: '1. **Factor**: 12 = 2^2 * 3.', title: 'Factor' }
 * parsed.steps[1].action; //=> '2. **Coprime Pairs**: split the prime powers:\n   1. 1 and 12\n   2. 3 and 4'
 * parsed.preamble; //=> 'We count coprime pairs.'
 * parsed.conclusion; //=> '**Final Answer** \\boxed{4}'
 * parseNumberedSolution(text, { action: 'body' }).steps[0].action; //=> '12 = 2^2 * 3.'
 * parseNumberedSolution('First, x = 1.\n\nThen y = 2.').format; //=> 'paragraphs'
 * parseNumberedSolution('First, x = 1.', { strict: true }); // throws TrajectoryError (line 1)
 * ```
 */
export function parseNumberedSolution(text: string, options?: ParseNumberedSolutionOptions): ParsedSolution {
  assertString(text, FN, 'text');
  assertOptions(options, FN);
  assertKnownKeys(options, NUMBERED_OPTION_KEYS, FN);
  return parseSolution(text, options, FN);
}

/**
 * {@link parseNumberedSolution} for a caller `fn` that has checked `text` and the
 * keys of `options`: option errors name `fn`.
 * @internal
 */
export function parseSolution(text: string, options: ParseNumberedSolutionOptions | undefined, fn: string): ParsedSolution {
  const opts = resolve(options, fn);
  const lines = splitLines(text);
  const { inside, unclosed } = scanBlocks(lines);
  const ctx: Context = { text, lines, inside, opts };
  const fail = (i: Issue): TrajectoryError =>
    new TrajectoryError({ source: opts.source, path: opts.path, line: i.index + opts.firstLine, expected: i.expected, found: i.found });

  const numbered = tryNumbered(ctx);
  let attempt: Attempt | undefined = 'format' in numbered ? numbered : undefined;
  let paragraphs: ReturnType<typeof paragraphSpans> | undefined;
  for (const fb of opts.fallbacks) {
    if (attempt !== undefined || paragraphs !== undefined) break;
    if (fb === 'step-headings') attempt = tryHeadings(ctx);
    else {
      const spans = mergeShortParagraphs(text, paragraphSpans(text, lines, inside), opts.minLength, opts.mergeInto);
      if (spans.length > 0) paragraphs = spans;
    }
  }
  if (attempt === undefined && paragraphs === undefined) throw fail(numbered as Issue);

  const issues: Issue[] = unclosed.map((b) => ({ index: b.index, expected: closerOf(b), found: 'the end of the text' }));
  const steps: Step[] = [];
  const spans: StepSpan[] = [];
  let format: SolutionFormat;
  let preamble = '';
  let conclusion = '';
  if (paragraphs !== undefined) {
    format = 'paragraphs';
    paragraphs.forEach((p, k) => {
      steps.push({ action: p.text });
      spans.push({ number: k + 1, line: p.first + opts.firstLine, endLine: p.last + opts.firstLine });
    });
  } else {
    const a = attempt as Attempt;
    format = a.format;
    issues.push(...a.issues);
    const first = a.starts[0] as Start;
    preamble = pyStrip(text.slice(0, (lines[first.index] as Line).start));
    const conclusionStart = a.conclusionAt < lines.length ? (lines[a.conclusionAt] as Line).start : text.length;
    conclusion = pyStrip(text.slice(conclusionStart));
    a.starts.forEach((s, k) => {
      const next = a.starts[k + 1];
      const endIndex = next !== undefined ? next.index : a.conclusionAt;
      const end = next !== undefined ? (lines[next.index] as Line).start : conclusionStart;
      const full = pyStrip(text.slice((lines[s.index] as Line).start, end));
      const body = pyStrip(text.slice(Math.min(s.bodyStart, end), end));
      if (body.length === 0 && s.title === undefined) {
        issues.push({ index: s.index, expected: `the text of step ${s.number}`, found: 'an empty step' });
      }
      let action = full;
      if (opts.action === 'body') {
        if (body.length > 0) action = body;
        else if (s.title !== undefined) {
          issues.push({ index: s.index, expected: `text after the title of step ${s.number}`, found: 'a title only (the action is the whole step)' });
        }
      }
      steps.push(s.title !== undefined ? { action, title: s.title } : { action });
      spans.push({ number: s.number, line: s.index + opts.firstLine, endLine: lastNonBlank(lines, s.index, endIndex) + opts.firstLine });
    });
  }
  issues.sort((x, y) => x.index - y.index);
  // Strict mode throws the first: no need to build the others.
  if (opts.strict && issues.length > 0) throw fail(issues[0] as Issue);
  return { steps, format, preamble, conclusion, spans, issues: issues.map(fail) };
}
