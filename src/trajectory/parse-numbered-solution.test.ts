import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pySplit } from '../_lib/python-whitespace.js';
import { parseNumberedSolution, type ParsedSolution } from './parse-numbered-solution.js';
import { TrajectoryError } from './trajectory-error.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/trajectories/numbered/${name}`, import.meta.url), 'utf8');
const squash = (text: string): string => pySplit(text).join('');
const titles = (p: ParsedSolution): (string | undefined)[] => p.steps.map((s) => s.title);
const numbers = (p: ParsedSolution): number[] => p.spans.map((s) => s.number);

/** The error that `fn` throws, checked to be a TrajectoryError. */
function thrown(fn: () => unknown): TrajectoryError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrajectoryError);
    return e as TrajectoryError;
  }
  throw new Error('expected a TrajectoryError, nothing was thrown');
}

describe('parseNumberedSolution on the numbered fixtures', () => {
  it('basic.md: preamble, four titled steps, a Final Answer conclusion', () => {
    const p = parseNumberedSolution(fixture('basic.md'));
    expect(p.format).toBe('numbered');
    expect(titles(p)).toEqual(['Rewrite the condition', 'Coprime Pairs', 'List them', 'Count']);
    expect(p.steps[1]).toEqual({
      action: '2. **Coprime Pairs**: So we need $1 \\le a \\le 9$ with $\\gcd(a, 10) = 1$, that is $a$ odd and not divisible by 5.',
      title: 'Coprime Pairs',
    });
    expect(p.preamble).toBe('We need the number of ordered pairs $(a, b)$ of positive integers with $a + b = 10$ and $\\gcd(a, b) = 1$.');
    expect(p.conclusion).toBe('**Final Answer**\n\\[\n\\boxed{4}\n\\]');
    expect(p.spans).toEqual([
      { number: 1, line: 3, endLine: 3 },
      { number: 2, line: 5, endLine: 5 },
      { number: 3, line: 7, endLine: 7 },
      { number: 4, line: 9, endLine: 9 },
    ]);
    expect(p.issues).toEqual([]);
    expect(parseNumberedSolution(fixture('basic.md'), { strict: true })).toEqual(p);
  });

  it("action: 'body' drops the 'N. **Title**:' prefix and keeps the title", () => {
    const p = parseNumberedSolution(fixture('basic.md'), { action: 'body' });
    expect(p.steps[3]).toEqual({ action: 'There are $4$ such pairs.', title: 'Count' });
  });

  it('reads the same from CRLF text', () => {
    const lf = parseNumberedSolution(fixture('nested-lists.md'));
    const crlf = parseNumberedSolution(fixture('nested-lists.md').replace(/\n/g, '\r\n'));
    expect(crlf.steps.map((s) => ({ ...s, action: s.action.replace(/\r\n/g, '\n') }))).toEqual(lf.steps);
    expect(crlf.spans).toEqual(lf.spans);
  });

  it('title-styles.md: **Title**:, **Title:**, **Title** with or without a body on its line; another delimiter stays in the step', () => {
    const p = parseNumberedSolution(fixture('title-styles.md'));
    expect(titles(p)).toEqual(['Isolate the term', 'Divide', 'Check', 'Conclusion']);
    const body = parseNumberedSolution(fixture('title-styles.md'), { action: 'body' }).steps.map((s) => s.action);
    expect(body).toEqual([
      'Subtract 3 from both sides: $2x = 8$.',
      'Divide both sides by 2: $x = 4$.',
      'Substituting gives $2 \\cdot 4 + 3 = 11$, as required.',
      'The solution is $x = 4$.\n5) This line uses another delimiter, so it stays in step 4.',
    ]);
    expect(p.conclusion).toBe('The answer is $\\boxed{4}$.');
  });

  it('nested-lists.md: indented and restarted sub-lists and bullets stay in their step', () => {
    const p = parseNumberedSolution(fixture('nested-lists.md'));
    expect(titles(p)).toEqual(['Factor 12', 'Use the divisor-sum formula', 'Multiply']);
    expect(p.steps[0]?.action).toBe(
      '1. **Factor 12**: We have $12 = 2^2 \\cdot 3$.\n   1. The powers of 2 that divide 12 are 1, 2 and 4.\n   2. The powers of 3 that divide 12 are 1 and 3.',
    );
    expect(p.steps[1]?.action).toBe(
      '2. **Use the divisor-sum formula**: The sum is multiplicative, so we compute two factors:\n1. $1 + 2 + 4 = 7$,\n2. $1 + 3 = 4$.\n   - Both factors are sums of geometric series.',
    );
    expect(p.conclusion).toBe('Thus the sum of the divisors of 12 is $\\boxed{28}$.');
    expect(p.issues).toEqual([]);
  });

  it('code-fence.md: never splits inside ``` or ~~~ fences', () => {
    const p = parseNumberedSolution(fixture('code-fence.md'), { strict: true });
    expect(titles(p)).toEqual(['Write the sieve', 'Run it', 'Count']);
    expect(p.steps[0]?.action).toContain('3. **Fake**: this line is inside the fence\nfor p in range(2, 20):\n    pass\n```');
    expect(p.steps[1]?.action).toBe('2. **Run it**: The program prints the primes:\n~~~\n1. 2\n2. 3\n\n3. 5\n~~~');
    expect(p.spans.map((s) => [s.line, s.endLine])).toEqual([
      [3, 12],
      [13, 19],
      [20, 20],
    ]);
  });

  it('display-maths.md: never splits inside $$, \\[ \\] or \\begin \\end blocks', () => {
    const p = parseNumberedSolution(fixture('display-maths.md'), { strict: true });
    expect(numbers(p)).toEqual([1, 2, 3]);
    expect(p.steps[0]?.action).toBe('1. **Pair the terms**: Write the sum forwards and backwards:\n$$\nS = 1 + 2 + \\dots + 10\n\n2. S = 11 \\cdot 10\n$$');
    expect(p.steps[1]?.action).toContain('3. \\quad S = \\frac{110}{2}\n\\]');
    expect(p.steps[2]?.action).toContain('4. &\\text{(done)}\n\\end{aligned}');
    expect(p.conclusion).toBe('Therefore $S = \\boxed{55}$.');
  });

  it('givens-then-steps.md: an untitled list before the titled steps is preamble', () => {
    const p = parseNumberedSolution(fixture('givens-then-steps.md'));
    expect(titles(p)).toEqual(['Square the sum', 'Subtract twice the product']);
    expect(p.preamble).toBe('We are given two equations:\n1. $x + y = 5$\n2. $xy = 6$\n\nWe want $x^2 + y^2$.');
    expect(p.conclusion).toBe('So $x^2 + y^2 = \\boxed{13}$.');
    // With titles optional, the first list wins and the titled lines restart a sub-list.
    const o = parseNumberedSolution(fixture('givens-then-steps.md'), { titles: 'optional' });
    expect(o.steps.map((s) => s.action.split('\n')[0])).toEqual(['1. $x + y = 5$', '2. $xy = 6$']);
  });

  it('untitled.md: plain numbered steps, unless titles are required', () => {
    const p = parseNumberedSolution(fixture('untitled.md'), { strict: true });
    expect(p.steps).toEqual([{ action: '1. First, $3! = 6$.' }, { action: '2. Next, $4! = 24$.' }, { action: '3. Adding, $6 + 24 = 30$.' }]);
    expect(p.conclusion).toBe('Therefore the answer is $\\boxed{30}$.');
    expect(parseNumberedSolution(fixture('untitled.md'), { titles: 'required' }).format).toBe('paragraphs');
    const e = thrown(() => parseNumberedSolution(fixture('untitled.md'), { titles: 'required', strict: true }));
    expect(e.line).toBe(3);
    expect(e.expected).toMatch(/a step title after '1\.'/);
    expect(e.found).toBe('the string "1. First, $3! = 6$."');
  });

  it('gap.md: strict rejects the gap at its line; lenient starts a step there and records it', () => {
    const text = fixture('gap.md');
    const e = thrown(() => parseNumberedSolution(text, { strict: true, source: 'gap.md' }));
    expect([e.source, e.line, e.expected, e.found]).toEqual(['gap.md', 5, 'step 3', 'step 4 (a gap in the numbering)']);
    expect(e.message).toBe('gap.md, line 5: expected step 3, found step 4 (a gap in the numbering)');
    const p = parseNumberedSolution(text);
    expect(numbers(p)).toEqual([1, 2, 4, 5]);
    expect(p.issues.map((i) => [i.line, i.expected])).toEqual([[5, 'step 3']]);
    expect(p.conclusion).toBe('**Final Answer**: $\\boxed{1024}$');
    // maxGap: 0 makes any jump body text.
    expect(numbers(parseNumberedSolution(text, { maxGap: 0, strict: true }))).toEqual([1, 2]);
  });

  it('repeat.md: strict rejects a repeated number; lenient keeps it in the step', () => {
    const e = thrown(() => parseNumberedSolution(fixture('repeat.md'), { strict: true }));
    expect([e.line, e.expected, e.found]).toEqual([5, 'step 3', 'step 2 again (a repeated or out-of-order number)']);
    const p = parseNumberedSolution(fixture('repeat.md'));
    expect(numbers(p)).toEqual([1, 2, 3]);
    expect(p.steps[1]?.action).toBe('2. **Multiply the first pair**: $7 \\cdot 4 = 28$.\n2. **Double**: $28 \\cdot 2 = 56$.');
    expect(p.issues).toHaveLength(1);
    expect(p.conclusion).toBe('');
  });

  it('step-headings.md: Step N headings win over a numbered list inside them', () => {
    const text = fixture('step-headings.md');
    const p = parseNumberedSolution(text);
    expect(p.format).toBe('step-headings');
    expect(numbers(p)).toEqual([1, 2, 3]);
    expect(titles(p)).toEqual(['Factor the quadratic', undefined, undefined]);
    expect(p.steps[0]?.action).toBe(
      '### Step 1: Factor the quadratic\nWe look for two numbers whose product is 6 and whose sum is 5:\n1. $2 \\cdot 3 = 6$\n2. $2 + 3 = 5$\n\nSo $x^2 - 5x + 6 = (x - 2)(x - 3)$.',
    );
    expect(p.preamble).toBe('We solve $x^2 - 5x + 6 = 0$.');
    expect(p.conclusion).toBe('**Final Answer** $x \\in \\{2, 3\\}$');
    const body = parseNumberedSolution(text, { action: 'body' }).steps.map((s) => s.action);
    expect(body[1]).toBe('Set each factor to zero: $x - 2 = 0$ or $x - 3 = 0$.');
    expect(body[2]).toBe('Hence $x = 2$ or $x = 3$.');
    const e = thrown(() => parseNumberedSolution(text, { strict: true }));
    expect([e.line, e.found]).toEqual([3, "'Step N' headings, with a numbered list inside them"]);
    expect(parseNumberedSolution(text, { strict: true, fallback: 'step-headings' }).format).toBe('step-headings');
    expect(parseNumberedSolution(text, { fallback: 'paragraphs' }).format).toBe('paragraphs');
  });

  it('paragraphs.md: falls back to paragraphs, keeps maths blocks whole, and strict rejects it', () => {
    const text = fixture('paragraphs.md');
    const p = parseNumberedSolution(text);
    expect(p.format).toBe('paragraphs');
    expect(p.steps.map((s) => s.action)).toEqual([
      'We want the area of a right triangle with legs 6 and 8.',
      'The area of a right triangle is half the product of its legs.',
      'So the area is $\\frac{1}{2} \\cdot 6 \\cdot 8 = 24$.\n$$\nA = 24\n\n\\text{(square units)}\n$$',
      'The answer is $\\boxed{24}$.',
    ]);
    expect(p.spans.map((s) => s.line)).toEqual([1, 3, 5, 12]);
    expect([p.preamble, p.conclusion]).toEqual(['', '']);
    const e = thrown(() => parseNumberedSolution(text, { strict: true }));
    expect(e.line).toBe(1);
    expect(e.expected).toBe("numbered steps ('1. **Title**: ...' at the start of a line)");
    expect(e.found).toBe('no numbered step; the text starts with the string "We want the area of a right triangle wit..."');
    expect(() => parseNumberedSolution(text, { fallback: 'none' })).toThrow(TrajectoryError);
    expect(parseNumberedSolution(text, { paragraphs: { minLength: 70 } }).steps).toHaveLength(2);
  });

  it('paren.md: 1) delimiters, and the other delimiter is body text', () => {
    const p = parseNumberedSolution(fixture('paren.md'), { strict: true });
    expect(titles(p)).toEqual(['Subtract 3', 'Subtract 2']);
    expect(p.steps[1]?.action).toBe('2) **Subtract 2**: $7 - 2 = 5$.\n3. This line uses another delimiter and stays in step 2.');
  });
});

describe('parseNumberedSolution rules', () => {
  it('keeps a restarted untitled sub-list in its step', () => {
    const p = parseNumberedSolution('1. a\n2. b\n1. x\n2. y\n3. c', { strict: true });
    expect(p.steps.map((s) => s.action)).toEqual(['1. a', '2. b\n1. x\n2. y', '3. c']);
  });

  it('treats a big jump in numbering as body text', () => {
    const p = parseNumberedSolution('1. The year is\n2024. That is all.\n2. Next.', { strict: true });
    expect(p.steps.map((s) => s.action)).toEqual(['1. The year is\n2024. That is all.', '2. Next.']);
  });

  it('needs step 1: numbering that starts elsewhere is not a numbered solution', () => {
    const e = thrown(() => parseNumberedSolution('Intro\n2. a\n3. b', { strict: true }));
    expect([e.line, e.expected, e.found]).toEqual([2, "step 1 ('1. ...')", 'step 2 first']);
  });

  it('does not start a step at a line indented 4 spaces or more', () => {
    expect(() => parseNumberedSolution('    1. code\n    2. code', { fallback: 'none' })).toThrow(TrajectoryError);
    expect(parseNumberedSolution('    1. code\n    2. code').format).toBe('paragraphs');
    expect(parseNumberedSolution('   1. a\n   2. b', { strict: true }).steps).toHaveLength(2);
  });

  it("finds the conclusion only at a top-level concluding line; 'none' and a RegExp change that", () => {
    const text = '1. **A**: x\n2. **B**: y\n   Thus z.\n\n   \\boxed{1}\n\nAnswer: 1';
    expect(parseNumberedSolution(text).conclusion).toBe('Answer: 1');
    expect(parseNumberedSolution(text, { conclusion: 'none' }).steps[1]?.action).toBe('2. **B**: y\n   Thus z.\n\n   \\boxed{1}\n\nAnswer: 1');
    expect(parseNumberedSolution('1. **A**: x\n\nWe are done: 1', { conclusion: /^we are done/i }).conclusion).toBe('We are done: 1');
    expect(parseNumberedSolution('1. **A**: x\nThus y.').conclusion).toBe('');
    expect(parseNumberedSolution('1. **A**: x\n**Final Answer** 1').conclusion).toBe('**Final Answer** 1');
    expect(parseNumberedSolution('1. **A**: x\n\n---\n\\boxed{1}').conclusion).toBe('---\n\\boxed{1}');
    expect(parseNumberedSolution('1. **A**: x\n\nThus y.\n\n2. **B**: z').steps[0]?.action).toBe('1. **A**: x\n\nThus y.');
  });

  it('records blocks that are never closed, and keeps parsing after them', () => {
    const text = '1. **A**: x\n```\n2. **B**: y\n3. **C**: z';
    const p = parseNumberedSolution(text);
    expect(numbers(p)).toEqual([1, 2, 3]);
    expect(p.issues.map((i) => [i.line, i.expected, i.found])).toEqual([[2, 'a closing ``` fence', 'the end of the text']]);
    expect(thrown(() => parseNumberedSolution(text, { strict: true })).line).toBe(2);
    expect(parseNumberedSolution('1. a\n\\[\nx').issues[0]?.expected).toBe("a closing '\\]'");
  });

  it('records empty steps and title-only steps in body mode', () => {
    const p = parseNumberedSolution('1. a\n2.\n3. c');
    expect(p.steps.map((s) => s.action)).toEqual(['1. a', '2.', '3. c']);
    expect(p.issues.map((i) => [i.line, i.found])).toEqual([[2, 'an empty step']]);
    const b = parseNumberedSolution('1. **A**: x\n2. **B**\n3. **C**: y', { action: 'body' });
    expect(b.steps[1]).toEqual({ action: '2. **B**', title: 'B' });
    expect(b.issues[0]?.line).toBe(2);
  });

  it('counts lines from firstLine and copies source and path into errors and issues', () => {
    const p = parseNumberedSolution('x\n1. a\n3. c', { firstLine: 10, source: 'f.jsonl', path: '$.solution' });
    expect(p.spans.map((s) => s.line)).toEqual([11, 12]);
    expect(p.issues[0]).toMatchObject({ line: 12, source: 'f.jsonl', path: '$.solution' });
    expect(p.issues[0]?.message).toBe('f.jsonl, line 12, $.solution: expected step 2, found step 3 (a gap in the numbering)');
  });

  it('never returns zero steps', () => {
    const e = thrown(() => parseNumberedSolution('  \n '));
    expect([e.line, e.found]).toEqual([1, 'no text']);
    expect(() => parseNumberedSolution('')).toThrow(TrajectoryError);
  });

  it('rejects bad arguments and options with a TypeError naming them', () => {
    expect(() => parseNumberedSolution(1 as never)).toThrow(/parseNumberedSolution: argument 'text' must be a string, got number/);
    expect(() => parseNumberedSolution('1. a', 'x' as never)).toThrow(/argument 'options' must be an object/);
    expect(() => parseNumberedSolution('1. a', { strict: 1 as never })).toThrow(/option 'strict' must be a boolean/);
    expect(() => parseNumberedSolution('1. a', { fallback: 'lines' as never })).toThrow(/option 'fallback'/);
    expect(() => parseNumberedSolution('1. a', { fallback: ['paragraphs', 'x'] as never })).toThrow(/option 'fallback'/);
    expect(() => parseNumberedSolution('1. a', { titles: 'yes' as never })).toThrow(/option 'titles' must be 'auto', 'required', 'optional', got "yes"/);
    expect(() => parseNumberedSolution('1. a', { action: 'all' as never })).toThrow(/option 'action'/);
    expect(() => parseNumberedSolution('1. a', { conclusion: 'auto' as never })).toThrow(/option 'conclusion' must be 'cue', 'none' or a RegExp/);
    expect(() => parseNumberedSolution('1. a', { maxGap: -1 })).toThrow(/option 'maxGap' must be an integer >= 0, got -1/);
    expect(() => parseNumberedSolution('1. a', { firstLine: 0 })).toThrow(/option 'firstLine' must be an integer >= 1/);
    expect(() => parseNumberedSolution('1. a', { source: 3 as never })).toThrow(/option 'source' must be a string/);
    expect(() => parseNumberedSolution('1. a', { paragraphs: { minLength: -2 } })).toThrow(/option 'paragraphs.minLength'/);
    expect(() => parseNumberedSolution('1. a', { paragraphs: 5 as never })).toThrow(/argument 'options.paragraphs' must be an object/);
  });
});

describe('parseNumberedSolution properties', () => {
  it('loses nothing but whitespace: preamble + full steps + conclusion is the text (any text)', () => {
    const line = fc.constantFrom(
      '', ' ', 'Intro text', '1. **A**: a', '2. **B:** b', '3. c', '1. x', '2) y', '   1. sub', '   - bullet', '```', '~~~', '$$', '\\[', '\\]',
      'Thus done.', '**Final Answer** 5', '### Step 1: go', '**Step 2:** on', 'Step 3: end', '2024. year', '\\boxed{5}', '---',
    );
    const text = fc.array(line, { maxLength: 25 }).map((ls) => ls.join('\n'));
    const options = fc.record({
      titles: fc.constantFrom('auto' as const, 'required' as const, 'optional' as const),
      conclusion: fc.constantFrom('cue' as const, 'none' as const),
    });
    fc.assert(
      fc.property(text, options, (t, o) => {
        if (pySplit(t).length === 0) {
          expect(() => parseNumberedSolution(t, o)).toThrow(TrajectoryError);
          return;
        }
        const p = parseNumberedSolution(t, o);
        expect(squash(p.preamble + p.steps.map((s) => s.action).join('') + p.conclusion)).toBe(squash(t));
        expect(p.steps.length).toBeGreaterThan(0);
        expect(p.spans).toHaveLength(p.steps.length);
        for (const s of p.steps) expect(s.action.length).toBeGreaterThan(0);
        for (let k = 1; k < p.spans.length; k++) expect(p.spans[k]!.line).toBeGreaterThan(p.spans[k - 1]!.endLine);
        if (p.format === 'numbered') p.steps.forEach((s, k) => expect(s.action.startsWith(String(p.spans[k]!.number))).toBe(true));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips generated solutions in the DeepSeek-R1 format', () => {
    const word = fc.constantFrom('Factor', 'the', 'Sum', 'Coprime', 'Pairs', 'x', 'of', '\\(a^2\\)');
    const title = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '));
    const block = fc.constantFrom(
      ['We get $x = 2$.'],
      ['   1. a sub-step', '   2. another'],
      ['1. an unindented sub-list', '2. continues'],
      ['   - a bullet'],
      ['```', '1. in code', '', '3. **Fake**: x', '```'],
      ['$$', '2. x', '', '$$'],
      ['\\[', '3. **y**', '\\]'],
      ['~~~', '4. **z**: w', '~~~'],
    );
    const step = fc.record({
      title,
      style: fc.constantFrom('**T**: ', '**T:** ', '**T** ', '**T**'),
      first: fc.constantFrom('we compute.', ''),
      blocks: fc.array(block, { maxLength: 3 }),
    });
    const solution = fc.record({
      preamble: fc.constantFrom('', 'We solve the problem.', 'Given:\n1. $a = 1$\n2. $b = 2$'),
      steps: fc.array(step, { minLength: 1, maxLength: 6 }),
      gap: fc.constantFrom('\n', '\n\n'),
      conclusion: fc.constantFrom('', '**Final Answer** \\boxed{3}', 'Thus the answer is $\\boxed{3}$.', '\\[\n\\boxed{3}\n\\]'),
    });
    fc.assert(
      fc.property(solution, (s) => {
        const rendered = s.steps.map((st, k) => {
          const head = `${k + 1}. ${st.style.replace('T', st.title)}${st.style.endsWith('**') && st.first !== '' ? ' ' : ''}${st.first}`.trimEnd();
          return [head, ...st.blocks.flat()].join('\n');
        });
        const parts = [s.preamble, rendered.join(s.gap), s.conclusion].filter((x) => x !== '');
        const text = parts.join('\n\n');
        const p = parseNumberedSolution(text, { strict: true });
        expect(p.format).toBe('numbered');
        expect(p.steps.map((x) => x.action)).toEqual(rendered.map((r) => r.trim()));
        expect(titles(p)).toEqual(s.steps.map((st) => st.title));
        expect(p.preamble).toBe(s.preamble);
        expect(p.conclusion).toBe(s.conclusion);
      }),
      { numRuns: 300 },
    );
  });
});
