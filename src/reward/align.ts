import { diffArrays } from 'diff';
import { SequenceMatcher } from './sequence-matcher.js';
import type { Sequence, Token } from './types.js';

/**
 * One piece of an alignment between the action and the expert step: text both
 * share (`equal`), text only the action has (`delete`: the model wrote it, the
 * expert did not) or text only the expert step has (`insert`).
 */
export interface AlignmentSegment {
  /** `equal`: in both; `delete`: only in the action; `insert`: only in the expert step. */
  readonly op: 'equal' | 'delete' | 'insert';
  /** The text of the piece (tokens joined with spaces). */
  readonly text: string;
}

/** Options of {@link alignSequences}. */
export interface AlignSequencesOptions {
  /** `'difflib'` (default): difflib's opcodes; `'lcs'`: a shortest edit script. */
  readonly method?: 'difflib' | 'lcs' | undefined;
  /** Python's `autojunk` for the difflib method (default `true`). */
  readonly autojunk?: boolean | undefined;
}

function elementsOf(seq: Sequence): readonly Token[] {
  return typeof seq === 'string' ? Array.from(seq) : seq;
}

function joiner(seq: Sequence): (elements: readonly Token[]) => string {
  return typeof seq === 'string' ? (els) => els.join('') : (els) => els.map(String).join(' ');
}

function pushSegment(out: AlignmentSegment[], op: AlignmentSegment['op'], text: string): void {
  if (text.length > 0) out.push({ op, text });
}

/**
 * Aligns two sequences as the reward saw them: with difflib's opcodes for the
 * difflib metric (a `replace` becomes a `delete` then an `insert`), or with a
 * shortest edit script for LCS. Tokens are joined with spaces, characters with
 * nothing.
 *
 * @example
 * ```ts
 * import { alignSequences } from 'srl-kit';
 * alignSequences('x = 4', 'x = 5');
 * //=> [{ op: 'equal', text: 'x = ' }, { op: 'delete', text: '4' }, { op: 'insert', text: '5' }]
 * ```
 */
export function alignSequences(
  action: Sequence,
  expert: Sequence,
  options: AlignSequencesOptions = {},
): AlignmentSegment[] {
  const a = elementsOf(action);
  const b = elementsOf(expert);
  const joinA = joiner(action);
  const joinB = joiner(expert);
  const out: AlignmentSegment[] = [];
  if (options.method === 'lcs') {
    for (const change of diffArrays(a.slice(), b.slice())) {
      const op = change.added ? 'insert' : change.removed ? 'delete' : 'equal';
      pushSegment(out, op, (op === 'insert' ? joinB : joinA)(change.value));
    }
    return out;
  }
  const sm = new SequenceMatcher(action, expert, { autojunk: options.autojunk ?? true });
  for (const [tag, i1, i2, j1, j2] of sm.getOpcodes()) {
    if (tag === 'equal') pushSegment(out, 'equal', joinA(a.slice(i1, i2)));
    if (tag === 'delete' || tag === 'replace') pushSegment(out, 'delete', joinA(a.slice(i1, i2)));
    if (tag === 'insert' || tag === 'replace') pushSegment(out, 'insert', joinB(b.slice(j1, j2)));
  }
  return out;
}
