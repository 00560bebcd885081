import type { Line } from './_lines.js';

/**
 * A block that was opened and never closed. Its opener is then treated as plain
 * text, so that one stray `$$` or fence does not swallow the rest of the text.
 * @internal
 */
export interface UnclosedBlock {
  /** 0-based index of the line holding the opener. */
  readonly index: number;
  /** `'fence'` for ``` or ~~~ code, `'maths'` for `$$`, `\[` or `\begin{...}`. */
  readonly kind: 'fence' | 'maths';
  /** The opener as written, for messages. */
  readonly opener: string;
}

/**
 * Which lines start inside a fenced code block or a display-maths block, where
 * no step may start and no blank line ends a paragraph.
 * @internal
 */
export interface BlockScan {
  /** `inside[i]`: line `i` starts inside a block (the closing line included, the opening line not). */
  readonly inside: readonly boolean[];
  /** Openers that are never closed, in line order. */
  readonly unclosed: readonly UnclosedBlock[];
}

/** The opening `\begin{` or `\end{` of an environment, and the other display-maths tokens. */
const MATHS_TOKEN = /\$\$|(?<!\\)\\\[|(?<!\\)\\\]|\\begin\{|\\end\{/g;

interface Token {
  readonly index: number;
  readonly text: string;
}

interface Fence {
  /** The fence as written (three or more backticks or tildes). */
  readonly marker: string;
  /** What follows it on the line. */
  readonly rest: string;
}

/**
 * A fence line, as `/^[ \t]*(`{3,}|~{3,})(.*)$/` matches it, read by hand so that a
 * long fence on a line with a U+2028 or U+2029 (which `.` does not match) costs
 * linear time instead of quadratic.
 */
function matchFence(text: string): Fence | undefined {
  let i = 0;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const char = text[i];
  if (char !== '`' && char !== '~') return undefined;
  let j = i;
  while (text[j] === char) j++;
  if (j - i < 3) return undefined;
  const rest = text.slice(j);
  if (/[\u2028\u2029]/.test(rest)) return undefined;
  return { marker: text.slice(i, j), rest };
}

/**
 * The fence a line could close: its trimmed text when that is one run of `` ` `` or
 * `~` (`char`, and the run's `length`); `undefined` for any other line.
 */
function closer(text: string): { char: string; length: number } | undefined {
  // Most lines start with neither: skip the trim.
  const first = text.trimStart()[0];
  if (first !== '`' && first !== '~') return undefined;
  const t = text.trim();
  for (let k = 1; k < t.length; k++) if (t[k] !== first) return undefined;
  return { char: first, length: t.length };
}

/**
 * For each fence character, `table[j]`: the longest fence of that character that
 * closes on a line at or after `j` (0 when none).
 */
function longestClosers(lines: readonly Line[]): Record<'`' | '~', Int32Array> {
  const n = lines.length;
  const longest = { '`': new Int32Array(n + 1), '~': new Int32Array(n + 1) };
  for (let j = n - 1; j >= 0; j--) {
    longest['`'][j] = longest['`'][j + 1] as number;
    longest['~'][j] = longest['~'][j + 1] as number;
    const c = closer((lines[j] as Line).text);
    if (c !== undefined) {
      const table = longest[c.char as '`' | '~'];
      table[j] = Math.max(table[j] as number, c.length);
    }
  }
  return longest;
}

/**
 * Finds fenced code blocks (``` or ~~~, any indentation, closed by a line holding
 * only a fence of the same character at least as long) and display maths that
 * spans lines (`$$ ... $$`, `\[ ... \]`, `\begin{env} ... \end{env}`, each kind
 * matched on its own: `$$` in pairs, the others as nested brackets). Maths is not
 * looked for inside fences. An opener that is never closed opens nothing and is
 * reported in `unclosed`. Linear in the length of the text, whatever it holds
 * (thousands of openers never closed, `\begin{` repeated on one line, ...).
 * @internal
 */
export function scanBlocks(lines: readonly Line[]): BlockScan {
  const n = lines.length;
  // +1 at the first inside line, -1 after the last one.
  const delta = new Int32Array(n + 1);
  const mark = (from: number, to: number): void => {
    if (from > to) return;
    delta[from] += 1;
    delta[to + 1] -= 1;
  };
  const unclosed: UnclosedBlock[] = [];
  const inFence = new Uint8Array(n);

  // Fences first. An opener that no later line can close is told in O(1) from the
  // table of the longest closers (made at the first opener); one that can is closed
  // by the first such line, and the scan resumes there.
  let longest: Record<'`' | '~', Int32Array> | undefined;
  for (let i = 0; i < n; i++) {
    const fence = matchFence((lines[i] as Line).text);
    if (fence === undefined) continue;
    const { marker } = fence;
    const char = marker[0] as '`' | '~';
    if (char === '`' && fence.rest.includes('`')) continue;
    longest ??= longestClosers(lines);
    let end = -1;
    if ((longest[char][i + 1] as number) >= marker.length) {
      for (let j = i + 1; j < n; j++) {
        const c = closer((lines[j] as Line).text);
        if (c !== undefined && c.char === char && c.length >= marker.length) {
          end = j;
          break;
        }
      }
    }
    if (end === -1) {
      unclosed.push({ index: i, kind: 'fence', opener: marker });
      continue;
    }
    mark(i + 1, end);
    for (let k = i; k <= end; k++) inFence[k] = 1;
    i = end;
  }

  // Display maths outside fences. Environments are a stack; `openEnvs` maps each name
  // to the stack positions of its open environments, so that an \end finds its opener
  // without searching the stack.
  const dollars: Token[] = [];
  const brackets: Token[] = [];
  const envs: { token: Token; name: string }[] = [];
  const openEnvs = new Map<string, number[]>();
  const open = (opener: Token, closer: Token): void => mark(opener.index + 1, closer.index);
  for (let i = 0; i < n; i++) {
    if (inFence[i] === 1) continue;
    const text = (lines[i] as Line).text;
    // The first `}` of the line at or after the last lookup (-1: none; -2: not looked
    // up yet), kept between lookups so that `\begin{` repeated without a `}` costs
    // linear time: lookups only move forward.
    let brace = -2;
    MATHS_TOKEN.lastIndex = 0;
    for (let m = MATHS_TOKEN.exec(text); m !== null; m = MATHS_TOKEN.exec(text)) {
      const at = m.index;
      const found = m[0];
      if (found === '$$') {
        const token = { index: i, text: found };
        const opener = dollars.pop();
        if (opener === undefined) dollars.push(token);
        else open(opener, token);
        continue;
      }
      if (found === '\\[') {
        brackets.push({ index: i, text: found });
        continue;
      }
      if (found === '\\]') {
        const opener = brackets.pop();
        if (opener !== undefined) open(opener, { index: i, text: found });
        continue;
      }
      // \begin{name} or \end{name}: the name runs to the first `}` of the line. Without
      // one it is no token, and the search goes on from the next character.
      const from = at + found.length;
      if (brace !== -1 && brace < from) brace = text.indexOf('}', from);
      const close = brace;
      if (close === -1) {
        MATHS_TOKEN.lastIndex = at + 1;
        continue;
      }
      MATHS_TOKEN.lastIndex = close + 1;
      const name = text.slice(at + found.length, close);
      const token = { index: i, text: text.slice(at, close + 1) };
      if (found === '\\begin{') {
        let positions = openEnvs.get(name);
        if (positions === undefined) openEnvs.set(name, (positions = []));
        positions.push(envs.length);
        envs.push({ token, name });
        continue;
      }
      const k = openEnvs.get(name)?.at(-1);
      if (k === undefined) continue;
      const opener = envs[k] as { token: Token; name: string };
      // Openers left between this one and the top of the stack were never closed.
      for (const left of envs.splice(k)) {
        openEnvs.get(left.name)?.pop();
        if (left !== opener) unclosed.push({ index: left.token.index, kind: 'maths', opener: left.token.text });
      }
      open(opener.token, token);
    }
  }
  for (const t of [...dollars, ...brackets, ...envs.map((e) => e.token)]) unclosed.push({ index: t.index, kind: 'maths', opener: t.text });
  unclosed.sort((a, b) => a.index - b.index);

  const inside = new Array<boolean>(n);
  let depth = 0;
  for (let i = 0; i < n; i++) {
    depth += delta[i] as number;
    inside[i] = depth > 0;
  }
  return { inside, unclosed };
}
