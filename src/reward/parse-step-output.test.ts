import { describe, expect, it } from 'vitest';
import { parseStepOutput } from './parse-step-output.js';

describe('parseStepOutput', () => {
  it('splits the monologue from the action and strips both', () => {
    expect(parseStepOutput('<think> a plan \n</think>\n\n  x = 5 \n')).toEqual({ ok: true, thought: 'a plan', action: 'x = 5' });
    expect(parseStepOutput('\n <think></think>x')).toEqual({ ok: true, thought: '', action: 'x' });
  });

  it('strips with Python whitespace (U+001F and U+0085 yes, U+FEFF no)', () => {
    expect(parseStepOutput('<think>t</think>\u001f\u0085x\u00a0')).toEqual({ ok: true, thought: 't', action: 'x' });
    expect(parseStepOutput('<think>t</think>\ufeffx')).toEqual({ ok: true, thought: 't', action: '\ufeffx' });
  });

  it('reports each format failure with its own reason', () => {
    const reason = (text: string, options = {}) => {
      const r = parseStepOutput(text, options);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('x = 5')).toBe('missing-think');
    expect(reason('<think>cut off mid-thought')).toBe('unclosed-think');
    expect(reason('plan</think>x')).toBe('unopened-think');
    expect(reason('</think>x<think>')).toBe('unopened-think');
    expect(reason('Sure! <think>t</think>x')).toBe('text-before-think');
    expect(reason('<think>a</think>x<think>b</think>y')).toBe('multiple-think');
    expect(reason('<think>a</think>x</think>')).toBe('multiple-think');
    expect(reason('<think>a <think> b</think>x')).toBe('multiple-think');
    expect(reason('<think>a</think>  \n')).toBe('empty-action');
    expect(reason('<think>a</think>x', { unwrapSolution: 'require' })).toBe('missing-solution');
    expect(reason('<think>a</think>so <solution>x</solution>', { unwrapSolution: true })).toBe('malformed-solution');
    expect(reason('<think>a</think><solution>x', { unwrapSolution: true })).toBe('malformed-solution');
    expect(reason('<think>a</think><solution> </solution>', { unwrapSolution: true })).toBe('empty-action');
  });

  it('says where it went wrong', () => {
    const r = parseStepOutput('Sure! <think>t</think>x');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('text at offset 0 comes before <think> at offset 6');
  });

  it('accepts a missing opening tag only with implicitOpen', () => {
    expect(parseStepOutput('plan</think> x', { implicitOpen: true })).toEqual({ ok: true, thought: 'plan', action: 'x' });
    expect(parseStepOutput('<think>plan</think> x', { implicitOpen: true })).toEqual({ ok: true, thought: 'plan', action: 'x' });
  });

  it('treats an output without tags as all action when the think block is optional', () => {
    expect(parseStepOutput('  ls -la ', { requireThink: false })).toEqual({ ok: true, thought: '', action: 'ls -la' });
    expect(parseStepOutput('<think>t</think>ls', { requireThink: false })).toEqual({ ok: true, thought: 't', action: 'ls' });
    const r = parseStepOutput('<think>t', { requireThink: false });
    expect(r.ok ? 'ok' : r.reason).toBe('unclosed-think');
  });

  it('unwraps a solution block and honours tag names', () => {
    expect(parseStepOutput('<think>t</think>\n<solution>\nx = 5\n</solution>\n', { unwrapSolution: true })).toEqual({
      ok: true,
      thought: 't',
      action: 'x = 5',
    });
    expect(parseStepOutput('<think>t</think><solution>x</solution>')).toEqual({
      ok: true,
      thought: 't',
      action: '<solution>x</solution>',
    });
    expect(
      parseStepOutput('<reasoning>t</reasoning><answer>x</answer>', {
        thinkTag: 'reasoning',
        solutionTag: 'answer',
        unwrapSolution: 'require',
      }),
    ).toEqual({ ok: true, thought: 't', action: 'x' });
    const r = parseStepOutput('<THINK>t</THINK>x');
    expect(r.ok).toBe(false);
  });

  it('rejects bad arguments with a TypeError naming them', () => {
    expect(() => parseStepOutput(undefined as never)).toThrow(/argument 'text' must be a string, got undefined/);
    expect(() => parseStepOutput('x', { thinkTag: '<think>' })).toThrow(/option 'thinkTag' must be a tag name/);
    expect(() => parseStepOutput('x', { requireThink: 'no' as never })).toThrow(/option 'requireThink' must be a boolean/);
    expect(() => parseStepOutput('x', { unwrapSolution: 'yes' as never })).toThrow(/option 'unwrapSolution'/);
    expect(() => parseStepOutput('x', 3 as never)).toThrow(/argument 'options' must be an object/);
  });

  it('rejects unknown (misspelled) options, naming the nearest valid one', () => {
    expect(() => parseStepOutput('<think>t</think>x', { thinktag: 'reasoning' } as never)).toThrow(
      new TypeError(
        "parseStepOutput: unknown option 'thinktag' in 'options' (did you mean 'thinkTag'?); valid options: thinkTag, requireThink, implicitOpen, unwrapSolution, solutionTag",
      ),
    );
    expect(() => parseStepOutput('x', { unwrapSoluton: true } as never)).toThrow(/unknown option 'unwrapSoluton' in 'options' \(did you mean 'unwrapSolution'\?\)/);
  });
});
