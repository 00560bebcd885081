import { lcsBitVector } from './lcs-bit-vector.js';
import { checkLimits, meter } from './scoring-limits.js';

/** Run kinds of an alignment. @internal */
export const EQUAL = 0;
/** An element only in `a`. @internal */
export const DELETE = 1;
/** An element only in `b`. @internal */
export const INSERT = 2;

/** Sub-problems with at most this many table cells are solved by the plain dynamic programme. */
const SMALL_CELLS = 1 << 14;

const rowScratch = { fwd: new Int32Array(0), bwd: new Int32Array(0) };

/**
 * The LCS table's last row from a bit vector of {@link lcsBitVector}: `out[j]` for
 * j = 0 .. m is the LCS of the rows read and the first j pattern elements read.
 */
function rowValues(V: Int32Array, m: number, out: Int32Array): void {
  out[0] = 0;
  let acc = 0;
  for (let j = 0; j < m; j++) {
    acc += ((V[j >>> 5] as number) >>> (j & 31)) & 1 ? 0 : 1;
    out[j + 1] = acc;
  }
}

/**
 * A longest-common-subsequence alignment of two id arrays (elements compared with
 * `===`), as runs `[op, length, op, length, ...]` in order (`op`: {@link EQUAL},
 * {@link DELETE} for elements only in `a`, {@link INSERT} for elements only in `b`);
 * the equal runs add up to the LCS. Hirschberg's divide and conquer, each half's LCS
 * row from the bit-vector LCS: O(n * ceil(m / 32)) word operations (about twice the
 * LCS length alone) in linear memory. Common prefixes and suffixes are matched first, so
 * near-identical sequences cost little. Work units: as {@link lcsBitVector}, plus one
 * per (row, 128 cells) of the small sub-problems solved by the plain table.
 * @internal
 */
export function lcsAlignment(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const runs: number[] = [];
  const push = (op: number, length: number): void => {
    if (length <= 0) return;
    const last = runs.length - 2;
    if (last >= 0 && runs[last] === op) runs[last + 1] = (runs[last + 1] as number) + length;
    else runs.push(op, length);
  };

  const small = (aLo: number, aHi: number, bLo: number, bHi: number): void => {
    const n = aHi - aLo;
    const m = bHi - bLo;
    meter.work += n * ((m + 127) >>> 7);
    if (meter.work > meter.checkAt) checkLimits();
    const w = m + 1;
    const table = new Int32Array((n + 1) * w);
    for (let i = 1; i <= n; i++) {
      const x = a[aLo + i - 1];
      for (let j = 1; j <= m; j++) {
        const at = i * w + j;
        table[at] = x === b[bLo + j - 1] ? (table[at - w - 1] as number) + 1 : Math.max(table[at - w] as number, table[at - 1] as number);
      }
    }
    const ops: number[] = [];
    let i = n;
    let j = m;
    while (i > 0 || j > 0) {
      const at = i * w + j;
      if (i > 0 && j > 0 && a[aLo + i - 1] === b[bLo + j - 1] && table[at] === (table[at - w - 1] as number) + 1) {
        ops.push(EQUAL);
        i--;
        j--;
      } else if (i > 0 && (j === 0 || table[at - w] === table[at])) {
        ops.push(DELETE);
        i--;
      } else {
        ops.push(INSERT);
        j--;
      }
    }
    for (let k = ops.length - 1; k >= 0; k--) push(ops[k] as number, 1);
  };

  const solve = (aLo: number, aHi: number, bLo: number, bHi: number): void => {
    let p = 0;
    while (aLo + p < aHi && bLo + p < bHi && a[aLo + p] === b[bLo + p]) p++;
    push(EQUAL, p);
    aLo += p;
    bLo += p;
    let s = 0;
    while (aHi - s > aLo && bHi - s > bLo && a[aHi - 1 - s] === b[bHi - 1 - s]) s++;
    aHi -= s;
    bHi -= s;
    const n = aHi - aLo;
    const m = bHi - bLo;
    if (n === 0) push(INSERT, m);
    else if (m === 0) push(DELETE, n);
    else if (n === 1 || m === 1 || n * m <= SMALL_CELLS) small(aLo, aHi, bLo, bHi);
    else {
      // Split a in half; the best split of b maximizes LCS(top, b[..j)) + LCS(bottom, b[j..)).
      const mid = aLo + (n >>> 1);
      if (rowScratch.fwd.length <= m) {
        const size = Math.max(m + 1, rowScratch.fwd.length * 2);
        rowScratch.fwd = new Int32Array(size);
        rowScratch.bwd = new Int32Array(size);
      }
      const { fwd, bwd } = rowScratch;
      rowValues(lcsBitVector(a, aLo, mid, b, bLo, bHi, false), m, fwd);
      rowValues(lcsBitVector(a, mid, aHi, b, bLo, bHi, true), m, bwd);
      let best = -1;
      let split = 0;
      for (let j = 0; j <= m; j++) {
        const v = (fwd[j] as number) + (bwd[m - j] as number);
        if (v > best) {
          best = v;
          split = j;
        }
      }
      solve(aLo, mid, bLo, bLo + split);
      solve(mid, aHi, bLo + split, bHi);
    }
    push(EQUAL, s);
  };

  solve(0, a.length, 0, b.length);
  return runs;
}
