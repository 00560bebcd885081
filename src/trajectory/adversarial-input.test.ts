/**
 * The text parsers on adversarial input of 200,000 characters: repeated markers,
 * openers never closed, long runs of blanks before a failure, U+2028 (which a regular
 * expression's `.` does not match). Most cases were quadratic (or worse) before: a
 * regular expression that backtracked over a run, or a search repeated for every
 * opener; the others (marked) were fast already and guard the rewritten code. The
 * expected results are worked out by hand from the rules in the docs; the time bound
 * is only a wide guard (the cases take milliseconds; they took from seconds to hours).
 */
import { describe, expect, it } from 'vitest';
import { parseGsm8kSolution } from './parse-gsm8k-solution.js';
import { parseLongCoT } from './parse-long-cot.js';
import { parseNumberedSolution } from './parse-numbered-solution.js';
import { splitParagraphs } from './split-paragraphs.js';
import { stripThinking } from './strip-thinking.js';

const SIZE = 200_000;
const BOUND_MS = 2_000;

/** `unit` repeated to `size` characters (cut to a whole number of units). */
const repeat = (unit: string, size = SIZE): string => unit.repeat(Math.floor(size / unit.length));

/** Runs `f` and checks that it took less than `BOUND_MS`. */
function quick<T>(f: () => T): T {
  const t0 = performance.now();
  const result = f();
  expect(performance.now() - t0).toBeLessThan(BOUND_MS);
  return result;
}

/** The fastest of three runs, in milliseconds. */
function fastest(f: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * Checks that `run` on 4 times the input takes well under 16 times as long (what a
 * quadratic cost gives), with a wide margin for a busy machine: 8 times, plus 50 ms.
 */
function expectLinear(run: (size: number) => unknown, size = SIZE): void {
  const small = fastest(() => run(size / 4));
  const large = fastest(() => run(size));
  expect(large).toBeLessThan(8 * small + 50);
}

describe('parseNumberedSolution on adversarial input (200,000 characters)', () => {
  it('"\\begin{" repeated with no "}": no environment, one paragraph, no issue', () => {
    // An environment needs `\begin{name}`; without a `}` on the line there is none.
    const text = repeat('\\begin{');
    const p = quick(() => parseNumberedSolution(text));
    expect(p).toEqual({
      steps: [{ action: text }],
      format: 'paragraphs',
      preamble: '',
      conclusion: '',
      spans: [{ number: 1, line: 1, endLine: 1 }],
      issues: [],
    });
  });

  it('"\\begin{" repeated scales linearly: 4 times the text takes far less than 16 times as long', () => {
    // Linear: about 4x. Quadratic (before): about 11x here (385 ms, then 4.1 s).
    expectLinear((size) => parseNumberedSolution(repeat('\\begin{', size)));
  });

  it('"\\end{" repeated with no "}": one paragraph', () => {
    const text = repeat('\\end{');
    expect(quick(() => parseNumberedSolution(text)).steps).toEqual([{ action: text }]);
  });

  it('10,000 unclosed \\begin{a} then 12,500 \\end{b}: each opener reported once, in line order', () => {
    // No \end{a} ever comes: every \begin{a} is unclosed; \end{b} closes nothing.
    const text = repeat('\\begin{a}\n', SIZE / 2) + repeat('\\end{b}\n', SIZE / 2);
    const p = quick(() => parseNumberedSolution(text));
    expect(p.format).toBe('paragraphs');
    expect(p.steps).toEqual([{ action: text.trim() }]);
    expect(p.issues).toHaveLength(10_000);
    expect(p.issues.map((e) => e.line)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    expect(p.issues[9_999]?.message).toBe("line 10000: expected a closing '\\end{a}', found the end of the text");
  });

  it('a deep stack of \\begin{} under many \\end{x}: all closed in the end, and linear (each \\end{x} searched the whole stack before)', () => {
    const text = (size: number): string => {
      const k = Math.floor(size / 28);
      return '\\begin{}'.repeat(k) + '\\end{x}'.repeat(Math.floor(size / 14)) + '\\end{}'.repeat(k);
    };
    const p = parseNumberedSolution(text(SIZE));
    expect(p.steps).toEqual([{ action: text(SIZE) }]);
    expect(p.issues).toEqual([]);
    // Before: 192 ms for 200,000 characters, 1.04 s for 400,000; now a few ms.
    expectLinear((size) => parseNumberedSolution(text(size)), 2 * SIZE);
  });

  it('a "### Step 1" heading followed by 200,000 blanks and a word: its title keeps the blanks inside', () => {
    // Before: cubic backtracking of `(.*?)[ \t]*#*[ \t]*$` (10,000 blanks took 517 s).
    const title = `a${' '.repeat(SIZE)}x`;
    const text = `### Step 1 ${title}`;
    const p = quick(() => parseNumberedSolution(text));
    expect(p.format).toBe('step-headings');
    expect(p.steps).toEqual([{ action: text, title }]);
  });

  it('a "**Step 1" line of 100,000 "**" ending in U+2028: not a heading (`.` stops at U+2028), one paragraph', () => {
    const text = `**Step 1 ${repeat('**')}\u2028`;
    const p = quick(() => parseNumberedSolution(text));
    expect(p.format).toBe('paragraphs');
    // Python's str.strip() removes U+2028.
    expect(p.steps).toEqual([{ action: text.slice(0, -1) }]);
  });

  it('"step 1:" then 200,000 blanks and U+2028: not a heading, one paragraph', () => {
    const text = `step 1: ${' '.repeat(SIZE)}\u2028`;
    const p = quick(() => parseNumberedSolution(text));
    expect(p.format).toBe('paragraphs');
    expect(p.steps).toEqual([{ action: 'step 1:' }]);
  });

  it('a bold title with 200,000 blanks inside: the title keeps them', () => {
    const title = `a${' '.repeat(SIZE)}b`;
    const text = `1. **${title}**: body`;
    const p = quick(() => parseNumberedSolution(text));
    expect(p.format).toBe('numbered');
    expect(p.steps).toEqual([{ action: text, title }]);
  });

  it('a top-level "######" line of 200,000 blanks then a word: not a conclusion, it stays in the last step', () => {
    const text = `1. **A**: b\n\n######${' '.repeat(SIZE)}x`;
    const p = quick(() => parseNumberedSolution(text));
    expect(p.steps).toEqual([{ action: text, title: 'A' }]);
    expect(p.conclusion).toBe('');
  });

  it('a 200,000-backtick line ending in U+2028: no fence, one paragraph', () => {
    const text = `${repeat('`')}\u2028`;
    expect(quick(() => parseNumberedSolution(text)).steps).toEqual([{ action: text.slice(0, -1) }]);
  });

  it('fences of decreasing length, none closed: every one reported, nothing inside (was O(n^1.5))', () => {
    // 630 lines of 632 down to 3 backticks: each could only be closed by a longer one later.
    const lines = Array.from({ length: 630 }, (_, i) => '`'.repeat(632 - i));
    const p = quick(() => parseNumberedSolution(lines.join('\n')));
    expect(p.issues).toHaveLength(630);
    expect(p.steps).toEqual([{ action: lines.join('\n') }]);
  });
});

describe('splitParagraphs on adversarial input', () => {
  const text = repeat('a\n\n');

  it('merging 66,666 short paragraphs into the next: one paragraph', () => {
    expect(quick(() => splitParagraphs(text, { minLength: 1_000_000 }))).toEqual([text.trim()]);
  });

  it('merging 66,666 short paragraphs into the previous: one paragraph (fast already)', () => {
    expect(quick(() => splitParagraphs(text, { minLength: 2, mergeInto: 'previous' }))).toEqual([text.trim()]);
  });
});

describe('the other text parsers on adversarial input', () => {
  it('stripThinking: "<think>" repeated, never closed: a truncated thought (fast already)', () => {
    const text = repeat('<think>');
    expect(quick(() => stripThinking(text))).toEqual({ thought: text.slice(7), solution: '', complete: false, format: 'think-tags' });
  });

  it('parseLongCoT: "</think>" then "\\begin{" repeated: one paragraph step', () => {
    const solution = repeat('\\begin{');
    const p = quick(() => parseLongCoT(`</think>${solution}`));
    expect(p.steps).toEqual([{ action: solution }]);
  });

  it('parseGsm8kSolution: "<<" repeated, then a final answer; stripping leaves the text as it is (fast already)', () => {
    const line = repeat('<<');
    const p = quick(() => parseGsm8kSolution(`${line}\n#### 1`, { calculator: 'strip' }));
    expect(p).toEqual({ steps: [{ action: line }], finalAnswer: '1' });
  });
});
