import { assertAffordable, checkLimits, meter } from './scoring-limits.js';

/**
 * The bit-vector algorithm for the length of a longest common subsequence (Allison and
 * Dix 1986; Crochemore et al. 2001; Hyyrö 2004), on 32-bit words.
 *
 * The pattern `p` (m elements) is held as a bit vector `V` of m bits, one per column of
 * the usual LCS table; the text is read one element (row) at a time. With `M` the bit
 * mask of the pattern positions that hold the row's element,
 *
 *     U = V & M
 *     V = (V + U) | (V & ~M)
 *
 * After row i, bit j of `V` is 0 exactly where the table's row i steps up between
 * columns j and j + 1, so `LCS = m - popcount(V)`. The addition carries from word to
 * word; each row costs one pass over the ceil(m / 32) words, so the whole is
 * O(n * ceil(m / 32)) word operations, in O(m + sigma * ceil(m / 32)) memory.
 *
 * Elements are numbers compared with `===` (ids); any values work.
 */

/** Above this many words, a mask table with one row per distinct element is not built for rare elements. */
const DENSE_LIMIT_WORDS = 1 << 22;
/** Ids below this use a lookup table instead of a Map. */
const TABLE_LIMIT = 1 << 20;

const scratch = {
  /** Pattern element -> local id + 1 (0: not in the pattern); reset to 0 after each call. */
  table: new Int32Array(0),
  /** The local id of each pattern position (in reading order). */
  patternLocal: new Int32Array(0),
  /** The local ids of the text rows that occur in the pattern. */
  rows: new Int32Array(0),
  /** Per local id: occurrences, then (prefix sums) the start of its positions in `pos`. */
  counts: new Int32Array(0),
  start: new Int32Array(0),
  pos: new Int32Array(0),
  /** Per local id: its row of `peq`, or -1 for a rare id (masked from `pos` on the fly). */
  slot: new Int32Array(0),
  /** The original element of each local id (to reset `table`). */
  elements: new Float64Array(0),
  /** Mask rows, W words each; the last row is the on-the-fly row for rare ids. */
  peq: new Int32Array(0),
  /** The bit vector V, W words. */
  v: new Int32Array(0),
};

function grownInt32(buf: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  return buf.length >= size ? buf : new Int32Array(Math.max(size, buf.length * 2));
}

/** The number of 1 bits of a 32-bit word. @internal */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The LCS table's last row, as the bit vector `V` after reading every row of the text
 * `text[tLo .. tHi)` against the pattern `pattern[pLo .. pHi)` (both read backwards when
 * `reverse`): bit j of V (word j >> 5, bit j & 31) is 0 when the LCS of the text and the
 * first j + 1 pattern elements (in reading order) is one more than with the first j.
 * Returns a scratch array, valid until the next call, of at least ceil(m / 32) words; bits
 * past m are 1.
 *
 * Work: one unit per (text row whose element occurs in the pattern, word); the whole is
 * checked against the budget before it starts ({@link assertAffordable}) and the deadline
 * is checked between rows.
 * @internal
 */
export function lcsBitVector(
  text: ArrayLike<number>,
  tLo: number,
  tHi: number,
  pattern: ArrayLike<number>,
  pLo: number,
  pHi: number,
  reverse: boolean,
): Int32Array {
  const m = pHi - pLo;
  const W = (m + 31) >>> 5;
  // 1. Local ids 0 .. sigma-1 for the pattern's distinct elements, in reading order.
  scratch.patternLocal = grownInt32(scratch.patternLocal, m);
  if (scratch.elements.length < m) scratch.elements = new Float64Array(Math.max(m, scratch.elements.length * 2));
  const patternLocal = scratch.patternLocal;
  const elements = scratch.elements;
  // Small non-negative integers (ids) index a table; anything else goes through a Map.
  let max = -1;
  let small = true;
  for (let q = pLo; q < pHi; q++) {
    const x = pattern[q] as number;
    if (!(x >= 0 && x < TABLE_LIMIT && (x | 0) === x)) {
      small = false;
      break;
    }
    if (x > max) max = x;
  }
  let sigma = 0;
  let map: Map<number, number> | null = null;
  let table: Int32Array | null = null;
  if (small) {
    if (scratch.table.length <= max) scratch.table = new Int32Array(Math.max(max + 1, scratch.table.length * 2));
    table = scratch.table;
    for (let q = 0; q < m; q++) {
      const x = pattern[reverse ? pHi - 1 - q : pLo + q] as number;
      let id = table[x] - 1;
      if (id < 0) {
        id = sigma++;
        table[x] = id + 1;
        elements[id] = x;
      }
      patternLocal[q] = id;
    }
  } else {
    map = new Map();
    for (let q = 0; q < m; q++) {
      const x = pattern[reverse ? pHi - 1 - q : pLo + q] as number;
      let id = map.get(x);
      if (id === undefined) {
        id = sigma++;
        map.set(x, id);
      }
      patternLocal[q] = id;
    }
  }
  // 2. The text rows whose element is in the pattern (the others leave V as it is).
  const n = tHi - tLo;
  scratch.rows = grownInt32(scratch.rows, n);
  const rows = scratch.rows;
  let count = 0;
  if (table !== null) {
    const limit = table.length;
    for (let t = 0; t < n; t++) {
      const x = text[reverse ? tHi - 1 - t : tLo + t] as number;
      // Non-integers, negatives and large values are not in the table, so they match nothing.
      const id = x >= 0 && x < limit ? table[x] - 1 : -1;
      if (id >= 0) rows[count++] = id;
    }
    for (let k = 0; k < sigma; k++) table[elements[k] as number] = 0;
  } else if (map !== null) {
    for (let t = 0; t < n; t++) {
      const x = text[reverse ? tHi - 1 - t : tLo + t] as number;
      // A Map finds NaN by NaN; === never does.
      const id = x === x ? map.get(x) : undefined;
      if (id !== undefined) rows[count++] = id;
    }
  }
  scratch.v = grownInt32(scratch.v, W);
  const V = scratch.v;
  V.fill(-1, 0, W);
  if (count === 0) return V;
  // Work units: one per (row, 4 words): a unit then costs about twice a difflib unit.
  const U = (W + 3) >>> 2;
  assertAffordable(count * U);

  // 3. Masks: a row per frequent id; rare ids (when a row each would not fit) are masked
  // from their positions on the fly, at a cost of their few occurrences per row.
  scratch.counts = grownInt32(scratch.counts, sigma);
  scratch.start = grownInt32(scratch.start, sigma + 1);
  scratch.slot = grownInt32(scratch.slot, sigma);
  scratch.pos = grownInt32(scratch.pos, m);
  const { counts, start, slot, pos } = scratch;
  counts.fill(0, 0, sigma);
  for (let q = 0; q < m; q++) counts[patternLocal[q] as number]++;
  const threshold = sigma * W <= DENSE_LIMIT_WORDS ? 0 : Math.ceil((m * W) / DENSE_LIMIT_WORDS);
  let dense = 0;
  let sparse = false;
  for (let k = 0; k < sigma; k++) {
    if (counts[k] >= threshold) slot[k] = dense++;
    else {
      slot[k] = -1;
      sparse = true;
    }
  }
  // Two spare rows at the end, for rare ids masked on the fly.
  const spare = dense * W;
  const peqSize = spare + 2 * W;
  scratch.peq = grownInt32(scratch.peq, peqSize);
  const peq = scratch.peq;
  peq.fill(0, 0, peqSize);
  for (let q = 0; q < m; q++) {
    const s = slot[patternLocal[q] as number] as number;
    if (s >= 0) peq[s * W + (q >>> 5)] |= 1 << (q & 31);
  }
  if (sparse) {
    start[0] = 0;
    for (let k = 0; k < sigma; k++) start[k + 1] = start[k] + counts[k];
    for (let q = m - 1; q >= 0; q--) pos[--start[(patternLocal[q] as number) + 1]] = q;
    for (let k = 0; k < sigma; k++) start[k + 1] += counts[k];
  }

  // 4. The rows, two at a time (each word of V is loaded and stored once per pair).
  if (W === 1) {
    // One word: no carries, no per-row checks (a row is a few operations).
    let v = -1;
    for (let r = 0; r < count; r++) {
      const mk = peq[slot[rows[r] as number] as number] as number;
      v = (v + (v & mk)) | (v & ~mk);
    }
    V[0] = v;
    meter.work += count;
    return V;
  }
  let work = meter.work;
  let checkAt = meter.checkAt;
  let r = 0;
  for (; r + 1 < count; r += 2) {
    work += 2 * U;
    if (work > checkAt) {
      meter.work = work;
      checkLimits();
      checkAt = meter.checkAt;
    }
    const id1 = rows[r] as number;
    const id2 = rows[r + 1] as number;
    const base1 = slot[id1] >= 0 ? (slot[id1] as number) * W : maskRare(peq, spare, id1);
    const base2 = slot[id2] >= 0 ? (slot[id2] as number) * W : maskRare(peq, spare + W, id2);
    advanceTwo(V, peq, base1, base2, W);
    if (base1 === spare) unmaskRare(peq, spare, id1);
    if (base2 === spare + W) unmaskRare(peq, spare + W, id2);
  }
  if (r < count) {
    work += U;
    if (work > checkAt) {
      meter.work = work;
      checkLimits();
    }
    const id = rows[r] as number;
    const base = slot[id] >= 0 ? (slot[id] as number) * W : maskRare(peq, spare, id);
    advanceOne(V, peq, base, W);
    if (base === spare) unmaskRare(peq, spare, id);
  }
  meter.work = work;
  return V;
}

/** Writes the mask of a rare id into the spare row at `at`; returns `at`. */
function maskRare(peq: Int32Array, at: number, id: number): number {
  const { start, pos } = scratch;
  for (let p = start[id] as number, end = start[id + 1] as number; p < end; p++) {
    const q = pos[p] as number;
    peq[at + (q >>> 5)] |= 1 << (q & 31);
  }
  return at;
}

/** Clears the spare row at `at` after {@link maskRare}. */
function unmaskRare(peq: Int32Array, at: number, id: number): void {
  const { start, pos } = scratch;
  for (let p = start[id] as number, end = start[id + 1] as number; p < end; p++) peq[at + ((pos[p] as number) >>> 5)] = 0;
}

/** One row: V = (V + U) | (V & ~M), U = V & M, M = peq[base .. base + W), carries by hand. */
function advanceOne(V: Int32Array, peq: Int32Array, base: number, W: number): void {
  let carry = 0;
  for (let k = 0; k < W; k++) {
    const v = V[k] as number;
    const mk = peq[base + k] as number;
    const u = v & mk;
    const s = (v + u + carry) | 0;
    // The carry out of bit 31 of v + u + carry (u is a subset of v).
    carry = (u | (v & ~s)) >>> 31;
    V[k] = s | (v & ~mk);
  }
}

/** Two rows in one pass over the words: the second reads each word the first has just written. */
function advanceTwo(V: Int32Array, peq: Int32Array, base1: number, base2: number, W: number): void {
  let c1 = 0;
  let c2 = 0;
  for (let k = 0; k < W; k++) {
    const v = V[k] as number;
    const m1 = peq[base1 + k] as number;
    const u1 = v & m1;
    const s1 = (v + u1 + c1) | 0;
    c1 = (u1 | (v & ~s1)) >>> 31;
    const w = s1 | (v & ~m1);
    const m2 = peq[base2 + k] as number;
    const u2 = w & m2;
    const s2 = (w + u2 + c2) | 0;
    c2 = (u2 | (w & ~s2)) >>> 31;
    V[k] = s2 | (w & ~m2);
  }
}

/**
 * The number of 0 bits among the first `m` bits of `V` (the LCS, after {@link lcsBitVector}).
 * @internal
 */
export function zeroBits(V: Int32Array, m: number): number {
  const W = (m + 31) >>> 5;
  let ones = 0;
  for (let k = 0; k < W; k++) ones += popcount32(V[k] as number);
  // Bits past m stay 1.
  return W * 32 - ones;
}
