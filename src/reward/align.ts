import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import { assertSequence, encodeSequence } from './intern.js';
import { EQUAL, INSERT, DELETE, lcsAlignment } from './lcs-alignment.js';
import { beginComparison, endComparison } from './scoring-limits.js';
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
  /**
   * `'difflib'` (default): difflib's opcodes; `'lcs'`: a longest common subsequence
   * (a shortest edit script of insertions and deletions), by the bit-vector LCS.
   */
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

const FN = 'alignSequences';
const ALIGN_OPTION_KEYS: readonly string[] = ['method', 'autojunk'];

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
  assertOptions(options, FN);
  assertKnownKeys(options, ALIGN_OPTION_KEYS, FN, 'options');
  const method = options.method ?? 'difflib';
  if (method !== 'difflib' && method !== 'lcs') {
    throw new TypeError(
      `${FN}: option 'method' must be 'difflib' or 'lcs', got ${typeof method === 'string' ? JSON.stringify(method) : describeType(method)}`,
    );
  }
  assertSequence(action, FN, 'action');
  assertSequence(expert, FN, 'expert');
  const owned = beginComparison(FN, action, expert, '', Infinity);
  try {
    return alignWith(action, expert, method, options.autojunk ?? true, FN);
  } finally {
    endComparison(owned);
  }
}

/**
 * {@link alignSequences} on checked arguments, inside the caller's comparison (its work budget).
 * @internal
 */
export function alignWith(action: Sequence, expert: Sequence, method: 'difflib' | 'lcs', autojunk: boolean, fn: string): AlignmentSegment[] {
  const a = elementsOf(action);
  const b = elementsOf(expert);
  const joinA = joiner(action);
  const joinB = joiner(expert);
  const out: AlignmentSegment[] = [];
  if (method === 'lcs') {
    const encoding = encodeSequence(expert, 'expert', fn);
    const runs = lcsAlignment(encoding.lookup(action, 'action', fn), encoding.ids);
    // Each stretch between equal runs becomes one deletion, then one insertion.
    let i = 0;
    let j = 0;
    let i0 = 0;
    let j0 = 0;
    for (let r = 0; r <= runs.length; r += 2) {
      const op = r < runs.length ? (runs[r] as number) : EQUAL;
      const length = r < runs.length ? (runs[r + 1] as number) : 0;
      if (op === DELETE) i += length;
      else if (op === INSERT) j += length;
      else {
        pushSegment(out, 'delete', joinA(a.slice(i0, i)));
        pushSegment(out, 'insert', joinB(b.slice(j0, j)));
        pushSegment(out, 'equal', joinA(a.slice(i, i + length)));
        i += length;
        j += length;
        i0 = i;
        j0 = j;
      }
    }
    return out;
  }
  const sm = new SequenceMatcher(action, expert, { autojunk });
  for (const [tag, i1, i2, j1, j2] of sm.getOpcodes()) {
    if (tag === 'equal') pushSegment(out, 'equal', joinA(a.slice(i1, i2)));
    if (tag === 'delete' || tag === 'replace') pushSegment(out, 'delete', joinA(a.slice(i1, i2)));
    if (tag === 'insert' || tag === 'replace') pushSegment(out, 'insert', joinB(b.slice(j1, j2)));
  }
  return out;
}
