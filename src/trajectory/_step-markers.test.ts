import { describe, expect, it } from 'vitest';
import { CONCLUSION_CUE, cleanTitle, matchNumbered, matchStepHeading } from './_step-markers.js';

describe('matchNumbered', () => {
  it('reads the number, delimiter, indentation and a bold title in its three styles', () => {
    expect(matchNumbered('2. **Coprime Pairs**: body')).toEqual({
      number: 2,
      delimiter: '.',
      indent: 0,
      contentColumn: 3,
      title: 'Coprime Pairs',
      bodyOffset: 22,
    });
    expect(matchNumbered('10) **Title:** body')).toMatchObject({ number: 10, delimiter: ')', contentColumn: 4, title: 'Title', bodyOffset: 15 });
    expect(matchNumbered('  3. **Title** body')).toMatchObject({ indent: 2, title: 'Title', bodyOffset: 15 });
    expect(matchNumbered('4. plain')).toMatchObject({ title: undefined, bodyOffset: 3 });
    expect(matchNumbered('5.')).toMatchObject({ number: 5, bodyOffset: 2 });
  });

  it('rejects what is not a list marker', () => {
    expect(matchNumbered('1.5 is a number')).toBeUndefined();
    expect(matchNumbered('x. y')).toBeUndefined();
    expect(matchNumbered('1.**x**')).toBeUndefined();
    expect(matchNumbered('- 1. x')).toBeUndefined();
  });

  it('does not take "** x**" or "****" as a title', () => {
    expect(matchNumbered('1. ** x** y')?.title).toBeUndefined();
    expect(matchNumbered('1. ****')?.title).toBeUndefined();
  });
});

describe('matchStepHeading', () => {
  it('reads Markdown, bold and plain Step N headings', () => {
    expect(matchStepHeading('### Step 1: Factor the quadratic')).toEqual({ number: 1, indent: 0, title: 'Factor the quadratic', bodyOffset: 32 });
    expect(matchStepHeading('## Step 12')).toMatchObject({ number: 12, title: undefined });
    expect(matchStepHeading('**Step 2:** Set x = 0.')).toMatchObject({ number: 2, title: undefined, bodyOffset: 12 });
    expect(matchStepHeading('**Step 3: Solve**: x = 1')).toMatchObject({ number: 3, title: 'Solve', bodyOffset: 19 });
    expect(matchStepHeading('Step 4: Hence x = 2.')).toMatchObject({ number: 4, title: undefined, bodyOffset: 8 });
    expect(matchStepHeading('step 5. done')).toMatchObject({ number: 5 });
  });

  it('rejects prose that merely mentions a step', () => {
    expect(matchStepHeading('Step 1 is to factor.')).toBeUndefined();
    expect(matchStepHeading('In step 1: x')).toBeUndefined();
    expect(matchStepHeading('Steps 1: x')).toBeUndefined();
  });
});

describe('cleanTitle and CONCLUSION_CUE', () => {
  it('cleans titles', () => {
    expect(cleanTitle(' Title: ')).toBe('Title');
    expect(cleanTitle('**Bold**')).toBe('Bold');
    expect(cleanTitle('  ')).toBeUndefined();
  });

  it('recognises concluding lines and nothing else', () => {
    for (const line of ['**Final Answer**', '### Final Answer', 'Thus, x = 2.', 'Therefore $x = 2$', 'The final answer is 4', 'The answer is 4', '\\boxed{4}', '\\[ \\boxed{4} \\]', '---', 'In conclusion, 4.', 'So x = 2.']) {
      expect(CONCLUSION_CUE.test(line), line).toBe(true);
    }
    for (const line of ['Then x = 2.', 'Sorting gives 4.', 'Thusly', 'We answer 4.', '- x']) {
      expect(CONCLUSION_CUE.test(line), line).toBe(false);
    }
  });
});
