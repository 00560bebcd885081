import { describe, expect, it } from 'vitest';
import { splitThought } from './split-thought.js';
import { stripThinking } from './strip-thinking.js';

describe('splitThought', () => {
  it('splits a thought into paragraphs, merging short ones on request', () => {
    const { thought } = stripThinking('<think>\nLet x = 2.\n\nWait.\n\nThen x + 3 = 5.\n</think>\n5');
    expect(splitThought(thought)).toEqual(['Let x = 2.', 'Wait.', 'Then x + 3 = 5.']);
    expect(splitThought(thought, { minLength: 8 })).toEqual(['Let x = 2.', 'Wait.\n\nThen x + 3 = 5.']);
    expect(splitThought('')).toEqual([]);
  });

  it('keeps display maths with blank lines in one paragraph', () => {
    expect(splitThought('So\n\\[\nx = 1\n\n\\]\nok\n\nNext')).toEqual(['So\n\\[\nx = 1\n\n\\]\nok', 'Next']);
  });

  it('rejects a non-string with a TypeError naming the argument', () => {
    expect(() => splitThought(null as never)).toThrow(/splitThought: argument 'thought' must be a string, got null/);
  });
});
