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
        "parseStepOutput: unknown option 'thinktag' in 'options' (did you mean 'thinkTag'?); valid options: thinkTag, requireThink, implicitOpen, unwrapSolution, solutionTag, unwrapAction, requireActionBlock",
      ),
    );
    expect(() => parseStepOutput('x', { unwrapSoluton: true } as never)).toThrow(/unknown option 'unwrapSoluton' in 'options' \(did you mean 'unwrapSolution'\?\)/);
  });

  describe('unwrapAction: the command inside an agent framework\'s wrapper', () => {
    /** The action, or the reason; `requireActionBlock` on, so that a missing block shows. */
    const action = (text: string, unwrapAction: 'mini-swe-agent' | 'swe-agent' | RegExp) => {
      const r = parseStepOutput(`<think>t</think>${text}`, { unwrapAction, requireActionBlock: true });
      return r.ok ? r.action : r.reason;
    };

    it("'mini-swe-agent': exactly one ```mswea_bash_command block, found with Python's \\s (expected values from CPython's re)", () => {
      expect(action('THOUGHT: look first.\n\n```mswea_bash_command\nls -la\n```', 'mini-swe-agent')).toBe('ls -la');
      expect(action('```mswea_bash_command  \n cat a \n```\ntrailing text is thought', 'mini-swe-agent')).toBe('cat a');
      // U+001F is whitespace to Python, U+FEFF is not (JavaScript's \s says the opposite).
      expect(action('```mswea_bash_command\u001f\nls\n```', 'mini-swe-agent')).toBe('ls');
      expect(action('```mswea_bash_command\ufeff\nls\n```', 'mini-swe-agent')).toBe('missing-action-block');
      expect(action('a\n```mswea_bash_command\nls\n```\n```mswea_bash_command\npwd\n```', 'mini-swe-agent')).toBe('multiple-action-blocks');
      expect(action('ls -la', 'mini-swe-agent')).toBe('missing-action-block');
      expect(action('```bash\nls -la\n```', 'mini-swe-agent')).toBe('missing-action-block');
      expect(action('```mswea_bash_command\n\n```', 'mini-swe-agent')).toBe('empty-action');
    });

    it("'swe-agent': the last top-level fenced block, as SWE-agent's thought_action parser finds it (expected values from its Python code)", () => {
      expect(action('DISCUSSION\nLook.\n```\nls -F\n```', 'swe-agent')).toBe('ls -F');
      expect(action('DISCUSSION\nEdit.\n```\nedit 1:3\n```python\nx = 1\n```\nend_of_edit\n```', 'swe-agent')).toBe(
        'edit 1:3\n```python\nx = 1\n```\nend_of_edit',
      );
      expect(action('```\nls\n```\nthen\n```\npwd\n```\n', 'swe-agent')).toBe('pwd');
      expect(action('```\n\n\nls\n```', 'swe-agent')).toBe('ls');
      expect(action('```bash\nls\n```', 'swe-agent')).toBe('ls');
      expect(action('```\nls\n```   \n', 'swe-agent')).toBe('ls');
      expect(action('```\u0085\nls\n```', 'swe-agent')).toBe('ls');
      expect(action('\n```\nls\r\n```\r\n', 'swe-agent')).toBe('ls');
      for (const text of ['Run ```ls```', ' ```\nls\n```', '```\nls\n```x', '```\nls\n', 'ls -F']) {
        expect(action(text, 'swe-agent'), JSON.stringify(text)).toBe('missing-action-block');
      }
    });

    it('matches CPython on generated responses (re.findall, and SWE-agent\'s parser run by CPython)', () => {
      // Drawn from 60,000 random responses per framework compared with CPython 3.11 (zero
      // mismatches); the expected actions are Python's, stripped.
      const mini: [string, string][] = [
        ["\n```mswea_bash_command\n`````` xx\n```\n``````", "`````` xx"],
        ["\n```\n``````\t\n```mswea_bash_command\n```\n```mswea_bash_command", "```"],
        ["```mswea_bash_command\n\n\u0085\n```\n```\n\n", "```"],
        ["```mswea_bash_command\n```\n```\u001f\n\u001f", "```"],
        ["```\ufeff```mswea_bash_command\u0085\n\n\n\u001f```mswea_bash_command\n```mswea_bash_command", "```mswea_bash_command"],
        ["```mswea_bash_command```\n\n\ufeff\u001f\u001f```mswea_bash_command\n```\n```\u001f", "```"],
        ["x\n```mswea_bash_command```mswea_bash_command\u0085\n\n```mswea_bash_command```mswea_bash_command\u001f\n```", "```mswea_bash_command```mswea_bash_command"],
        ["\n\n\ufeff```mswea_bash_command\n```\n```mswea_bash_command\n```\n```", "```"],
        ["\n```mswea_bash_command\n```\ufeff\n```mswea_bash_command\n``````", "```\ufeff"],
        [" ``````mswea_bash_command\n\n\tx``````mswea_bash_command\n\n```", "x``````mswea_bash_command"],
        ["```mswea_bash_command\ufeff```mswea_bash_command\n```\n\n\n``````mswea_bash_command\n```\n```mswea_bash_command", "multiple-action-blocks"],
        ["\n``````mswea_bash_command\n```\n``````mswea_bash_command\n\n```mswea_bash_command", "multiple-action-blocks"],
        ["```mswea_bash_command\n\n```\u001f\n``````mswea_bash_command\n```\n\n``````", "multiple-action-blocks"],
        ["\u0085\n```\n\n```\n``````mswea_bash_command\u0085```mswea_bash_command```mswea_bash_command\n", "missing-action-block"],
        [" \n`````` \u001f```mswea_bash_command\n", "missing-action-block"],
        ["```mswea_bash_command```mswea_bash_command\u0085", "missing-action-block"],
        ["\n```\n```mswea_bash_command\t```", "missing-action-block"],
        ["\n\nx\u0085 ```mswea_bash_command\n`````````\t", "missing-action-block"],
      ];
      for (const [text, expected] of mini) expect(action(text, 'mini-swe-agent'), JSON.stringify(text)).toBe(expected);
      const swe: [string, string][] = [
        ["\n```\nls\n\u0085\n```", "ls"],
        ["```bashls\n```bash x\n```", "```bash x"],
        ["\n\n```\nls\n\n```\n``````\n", "ls"],
        ["```\n```\u001c\tls\t\u0085 \n```\u0085", "```\u001c\tls"],
        ["\n```\n```\t```\n```\t\n```\n", "```\t```"],
        ["```\n\u001c\u001c\n\t`````````\n```", "`````````"],
        ["```\n\u0085```\n```\n", "```"],
        ["``````bash`````` \n\u0085\u001c```\n\n```", "```"],
        ["```ls\n\n\n\r```\n\n```\t", "```"],
        ["```\n\t\u0085```bash`````````bash\n```", "```bash`````````bash"],
        ["```\t\u001c\n```x x", "missing-action-block"],
        ["\u001c\n```\n\n\n", "missing-action-block"],
        ["\n```\n\n```x``````", "missing-action-block"],
        ["\n```", "missing-action-block"],
        ["\n\n``````\n```bash\u0085\r\n```bashx", "missing-action-block"],
      ];
      for (const [text, expected] of swe) expect(action(text, 'swe-agent'), JSON.stringify(text)).toBe(expected);
    });

    it('takes linear time on openers that are never closed (a backtracking regex takes quadratic time)', () => {
      const time = (text: string, how: 'mini-swe-agent' | 'swe-agent'): number => {
        let best = Infinity;
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          parseStepOutput(`<think>t</think>${text}`, { unwrapAction: how });
          best = Math.min(best, performance.now() - t0);
        }
        return best;
      };
      for (const unit of ['```mswea_bash_command\nx', '```python\nx', '```mswea_bash_command ' + ' '.repeat(40)]) {
        for (const how of ['mini-swe-agent', 'swe-agent'] as const) {
          const small = time(unit.repeat(50_000 / unit.length), how);
          const large = time(unit.repeat(200_000 / unit.length), how);
          expect(large, `${how}, ${JSON.stringify(unit)}`).toBeLessThan(8 * small + 50);
        }
      }
      // 200,000 characters of unclosed openers: compared as written (no block).
      const text = '```mswea_bash_command\nx'.repeat(8_000);
      expect(parseStepOutput(`<think>t</think>${text}`, { unwrapAction: 'mini-swe-agent' })).toEqual({ ok: true, thought: 't', action: text });
    });

    it('a RegExp is applied as mini-swe-agent applies its action_regex', () => {
      expect(action('Look.\n```bash\nls\n```', /```bash\s*\n(.*?)\n```/s)).toBe('ls');
      expect(action('```bash\nls\n```\n```bash\npwd\n```', /```bash\s*\n(.*?)\n```/s)).toBe('multiple-action-blocks');
      expect(action('ls', /<cmd>(.*?)<\/cmd>/)).toBe('missing-action-block');
    });

    it('without requireActionBlock, a response with no block is compared as written', () => {
      expect(parseStepOutput('<think>t</think> ls -la ', { unwrapAction: 'mini-swe-agent' })).toEqual({ ok: true, thought: 't', action: 'ls -la' });
      expect(parseStepOutput('<think>t</think>Run ```ls```', { unwrapAction: 'swe-agent' })).toEqual({ ok: true, thought: 't', action: 'Run ```ls```' });
      // Two blocks are still a format error: there is no telling which one is the command.
      const two = parseStepOutput('<think>t</think>```mswea_bash_command\nls\n```\n```mswea_bash_command\npwd\n```', { unwrapAction: 'mini-swe-agent' });
      expect(two).toMatchObject({ ok: false, reason: 'multiple-action-blocks', message: "2 ```mswea_bash_command blocks in the response; the format has exactly one" });
    });

    it('leaves the thought, the other format rules and the default unchanged', () => {
      expect(parseStepOutput('<think> plan </think>\n```mswea_bash_command\nls\n```', { unwrapAction: 'mini-swe-agent' })).toEqual({
        ok: true,
        thought: 'plan',
        action: 'ls',
      });
      expect(parseStepOutput('```mswea_bash_command\nls\n```', { unwrapAction: 'mini-swe-agent' })).toMatchObject({ ok: false, reason: 'missing-think' });
      expect(parseStepOutput('<think>t</think>  ', { unwrapAction: 'swe-agent', requireActionBlock: true })).toMatchObject({ ok: false, reason: 'empty-action' });
      expect(parseStepOutput('```\nls\n```', { requireThink: false, unwrapAction: 'swe-agent' })).toEqual({ ok: true, thought: '', action: 'ls' });
      expect(parseStepOutput('<think>t</think>```\nls\n```')).toEqual({ ok: true, thought: 't', action: '```\nls\n```' });
      expect(parseStepOutput('<think>t</think>ls', { unwrapAction: 'swe-agent', requireActionBlock: true })).toEqual({
        ok: false,
        reason: 'missing-action-block',
        message: "no fenced ``` block (SWE-agent's thought_action format) in the response",
      });
    });

    it('rejects bad values with a TypeError naming the option', () => {
      expect(() => parseStepOutput('x', { unwrapAction: 'mini' as never })).toThrow(
        new TypeError('parseStepOutput: option \'unwrapAction\' must be \'mini-swe-agent\', \'swe-agent\' or a RegExp, got "mini"'),
      );
      expect(() => parseStepOutput('x', { unwrapAction: /```bash\n.*\n```/s })).toThrow(
        /^parseStepOutput: option 'unwrapAction' must have a capture group for the action, got \/```bash/,
      );
      expect(() => parseStepOutput('x', { unwrapAction: 'swe-agent', unwrapSolution: true })).toThrow(
        /^parseStepOutput: options 'unwrapAction' and 'unwrapSolution' cannot be used together/,
      );
      expect(() => parseStepOutput('x', { unwrapAction: 'swe-agent', unwrapSolution: false })).not.toThrow();
      expect(() => parseStepOutput('x', { requireActionBlock: true })).toThrow(
        new TypeError("parseStepOutput: option 'requireActionBlock' needs option 'unwrapAction' (the framework whose block is required)"),
      );
      expect(() => parseStepOutput('x', { unwrapAction: 'swe-agent', requireActionBlock: 'yes' as never })).toThrow(/option 'requireActionBlock' must be a boolean/);
    });
  });
});
