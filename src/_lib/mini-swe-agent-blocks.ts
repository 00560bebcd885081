import { isPythonSpace } from './python-whitespace.js';

/** The opening of mini-swe-agent's action block. */
const MSWEA_OPEN = '```mswea_bash_command';
/** The end of a block: a newline, then three backticks. */
const BLOCK_CLOSE = '\n```';

/** One match of mini-swe-agent's default action regex. @internal */
export interface MiniSweAgentBlock {
  /** Where the match starts (its opener). */
  readonly index: number;
  /** The first group: the command. */
  readonly command: string;
}

/**
 * The commands of the blocks that mini-swe-agent's default `action_regex`,
 * ```` ```mswea_bash_command\s*\n(.*?)\n``` ```` with `re.DOTALL`, finds in `text`
 * (`re.findall`, Python's `\s`), in linear time where a backtracking engine takes
 * quadratic time on openers that are never closed. For an opener, the greedy `\s*\n`
 * first ends at the last newline of the whitespace after it, and `(.*?)` takes the text
 * up to the first `\n```` after that; failing that, the only other match ends the
 * block at that last newline itself (it starts after the newline before it).
 * Each block gives where its match starts (`index`, the opener) and its command (the
 * first group). Shared by `parseStepOutput`'s `unwrapAction` and `parseMiniSweAgent`.
 * @internal
 */
export function miniSweAgentBlocks(text: string): MiniSweAgentBlock[] {
  const closes: number[] = [];
  for (let e = text.indexOf(BLOCK_CLOSE); e !== -1; e = text.indexOf(BLOCK_CLOSE, e + 1)) closes.push(e);
  const blocks: MiniSweAgentBlock[] = [];
  let next = 0; // the first close not before the current content start (starts only grow)
  let from = 0;
  for (let p = text.indexOf(MSWEA_OPEN, from); p !== -1; p = text.indexOf(MSWEA_OPEN, from)) {
    let k = p + MSWEA_OPEN.length;
    let last = -1;
    let before = -1;
    for (; k < text.length && isPythonSpace(text.charCodeAt(k)); k++) {
      if (text.charCodeAt(k) === 10) {
        before = last;
        last = k;
      }
    }
    from = p + 1;
    if (last === -1) continue;
    while (next < closes.length && closes[next]! < last + 1) next++;
    if (next < closes.length) {
      blocks.push({ index: p, command: text.slice(last + 1, closes[next]) });
      from = closes[next]! + BLOCK_CLOSE.length;
    } else if (before !== -1 && text.startsWith('```', last + 1)) {
      blocks.push({ index: p, command: text.slice(before + 1, last) });
      from = last + BLOCK_CLOSE.length;
    }
  }
  return blocks;
}
