import { describe, expect, it } from 'vitest';
import { alignSequences } from './align.js';
import { renderAlignment } from './render-alignment.js';

describe('alignSequences', () => {
  it('aligns by difflib opcodes, or by a longest common subsequence', () => {
    expect(alignSequences('x = 4', 'x = 5')).toEqual([
      { op: 'equal', text: 'x = ' },
      { op: 'delete', text: '4' },
      { op: 'insert', text: '5' },
    ]);
    // LCS('abcd', 'acbd') = 3; every stretch between equal runs is one deletion, then one insertion.
    const lcs = alignSequences('abcd', 'acbd', { method: 'lcs' });
    expect(lcs.filter((s) => s.op === 'equal').map((s) => s.text).join('')).toHaveLength(3);
    expect(lcs.filter((s) => s.op !== 'insert').map((s) => s.text).join('')).toBe('abcd');
    expect(lcs.filter((s) => s.op !== 'delete').map((s) => s.text).join('')).toBe('acbd');
    expect(renderAlignment(alignSequences(['cd', 'src', '&&', 'ls'], ['cd', 'src', '&&', 'ls', '-la'], { method: 'lcs' }))).toBe('cd src && ls{+-la+}');
    expect(renderAlignment(alignSequences('ls -l', 'ls -la', { method: 'lcs' }))).toBe('ls -l{+a+}');
    expect(renderAlignment(alignSequences('axxb', 'ayb', { method: 'lcs' }))).toBe('a[-xx-]{+y+}b');
  });

  it('rejects unknown options, a bad method and non-sequences', () => {
    expect(() => alignSequences('a', 'b', { metod: 'lcs' } as never)).toThrow(
      new TypeError("alignSequences: unknown option 'metod' in 'options' (did you mean 'method'?); valid options: method, autojunk"),
    );
    expect(() => alignSequences('a', 'b', { method: 'myers' as never })).toThrow(
      new TypeError(`alignSequences: option 'method' must be 'difflib' or 'lcs', got "myers"`),
    );
    expect(() => alignSequences(5 as never, 'b')).toThrow(/alignSequences: argument 'action' must be a string or an array of tokens, got number/);
  });
});

describe('renderAlignment', () => {
  it('rejects unknown options', () => {
    expect(() => renderAlignment([], { colour: true } as never)).toThrow(
      new TypeError("renderAlignment: unknown option 'colour' in 'options' (did you mean 'color'?); valid options: color"),
    );
  });
});
