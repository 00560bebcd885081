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

const FENCE = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const MATHS_TOKEN = /\$\$|(?<!\\)\\\[|(?<!\\)\\\]|\\begin\{([^}\n]*)\}|\\end\{([^}\n]*)\}/g;

interface Token {
  readonly index: number;
  readonly text: string;
}

/**
 * Finds fenced code blocks (``` or ~~~, any indentation, closed by a line holding
 * only a fence of the same character at least as long) and display maths that
 * spans lines (`$$ ... $$`, `\[ ... \]`, `\begin{env} ... \end{env}`, each kind
 * matched on its own: `$$` in pairs, the others as nested brackets). Maths is not
 * looked for inside fences. An opener that is never closed opens nothing and is
 * reported in `unclosed`. Linear in the length of the text.
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

  // Fences first. Once an opener of a character and length finds no closer, no
  // later opener of that character at least as long can: skip the search.
  const hopeless: Record<string, number> = { '`': Infinity, '~': Infinity };
  for (let i = 0; i < n; i++) {
    const m = FENCE.exec((lines[i] as Line).text);
    if (m === null) continue;
    const marker = m[1] as string;
    const char = marker[0] as '`' | '~';
    if (char === '`' && (m[2] as string).includes('`')) continue;
    let closer = -1;
    if (marker.length < (hopeless[char] as number)) {
      for (let j = i + 1; j < n; j++) {
        const t = (lines[j] as Line).text.trim();
        if (t.length >= marker.length && t.split('').every((c) => c === char)) {
          closer = j;
          break;
        }
      }
    }
    if (closer === -1) {
      hopeless[char] = Math.min(hopeless[char] as number, marker.length);
      unclosed.push({ index: i, kind: 'fence', opener: marker });
      continue;
    }
    mark(i + 1, closer);
    for (let k = i; k <= closer; k++) inFence[k] = 1;
    i = closer;
  }

  // Display maths outside fences.
  const dollars: Token[] = [];
  const brackets: Token[] = [];
  const envs: { token: Token; name: string }[] = [];
  const open = (opener: Token, closer: Token): void => mark(opener.index + 1, closer.index);
  for (let i = 0; i < n; i++) {
    if (inFence[i] === 1) continue;
    const text = (lines[i] as Line).text;
    MATHS_TOKEN.lastIndex = 0;
    for (let m = MATHS_TOKEN.exec(text); m !== null; m = MATHS_TOKEN.exec(text)) {
      const token = { index: i, text: m[0] };
      if (m[0] === '$$') {
        const opener = dollars.pop();
        if (opener === undefined) dollars.push(token);
        else open(opener, token);
      } else if (m[0] === '\\[') {
        brackets.push(token);
      } else if (m[0] === '\\]') {
        const opener = brackets.pop();
        if (opener !== undefined) open(opener, token);
      } else if (m[1] !== undefined) {
        envs.push({ token, name: m[1] });
      } else {
        const name = m[2] as string;
        let k = envs.length - 1;
        while (k >= 0 && envs[k]?.name !== name) k--;
        if (k >= 0) {
          const opener = envs[k] as { token: Token; name: string };
          // Openers left between this one and the top of the stack were never closed.
          for (const left of envs.splice(k)) if (left !== opener) unclosed.push({ index: left.token.index, kind: 'maths', opener: left.token.text });
          open(opener.token, token);
        }
      }
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
