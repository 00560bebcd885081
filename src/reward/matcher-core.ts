import { NO_ID } from './intern.js';
import { checkLimits, meter, settleWork, unitsLeft } from './scoring-limits.js';

/**
 * The core of difflib's SequenceMatcher on integer ids, shared by the
 * `SequenceMatcher` class and the allocation-free one-shot ratio. Arrays may be
 * longer than the lengths passed with them (scratch buffers are reused).
 * @internal
 */
export interface BIndex {
  /** The ids of b. */
  bIds: Int32Array;
  /** len(b). */
  n: number;
  /** b2j in compressed form: positions of id `k` are `pos[start[k] .. start[k + 1])`, ascending. */
  start: Int32Array;
  pos: Int32Array;
  /** 1 where the id is in b2j: it occurs in b and is neither junk nor popular. */
  inB2j: Uint8Array;
  /** 1 where the id is junk; null when nothing is. Popular elements are not junk. */
  isJunk: Uint8Array | null;
}

/**
 * A fresh index for `nIds` ids over `bIds` (to be filled by {@link indexB}).
 * @internal
 */
export function newIndex(bIds: Int32Array, nIds: number, isJunk: Uint8Array | null): BIndex {
  return {
    bIds,
    n: bIds.length,
    start: new Int32Array(nIds + 1),
    pos: new Int32Array(bIds.length),
    inB2j: new Uint8Array(nIds),
    isJunk,
  };
}


/**
 * Python's `__chain_b` on ids: fills `ix.start`, `ix.pos` and `ix.inB2j` from the
 * counts of each id (`counts[k]` for `k < nIds`). Junk ids (`ix.isJunk`) are left
 * out, then, with autojunk and `n >= 200`, ids occurring more than
 * `floor(n / 100) + 1` times.
 * @internal
 */
export function indexB(ix: BIndex, nIds: number, counts: Int32Array, autojunk: boolean): void {
  const { bIds, n, start, pos, inB2j, isJunk } = ix;
  start[0] = 0;
  for (let k = 0; k < nIds; k++) start[k + 1] = start[k] + counts[k];
  // Walk b backwards, using start[k + 1] as the cursor of id k and filling its slots from
  // the end: positions come out ascending, and each cursor ends on its bucket's first slot.
  for (let j = n - 1; j >= 0; j--) pos[--start[bIds[j] + 1]] = j;
  for (let k = 0; k < nIds; k++) start[k + 1] += counts[k];
  const ntest = autojunk && n >= 200 ? Math.floor(n / 100) + 1 : Infinity;
  for (let k = 0; k < nIds; k++) {
    const c = counts[k];
    inB2j[k] = c > 0 && c <= ntest && (isJunk === null || isJunk[k] === 0) ? 1 : 0;
  }
}

/**
 * The rows of a (ascending positions i) whose element is in b2j: the only rows
 * where find_longest_match can find anything. Other rows are skipped outright.
 * @internal
 */
export interface LiveRows {
  rows: Int32Array;
  count: number;
}

/**
 * Lists the live rows of `aIds[0 .. la)` into `into` (which must hold `la` elements).
 * @internal
 */
export function liveRows(ix: BIndex, aIds: Int32Array, la: number, into: Int32Array): LiveRows {
  const inB2j = ix.inB2j;
  let count = 0;
  for (let i = 0; i < la; i++) {
    const id = aIds[i];
    if (id !== NO_ID && inB2j[id] === 1) into[count++] = i;
  }
  return { rows: into, count };
}

/**
 * find_longest_match's `j2len` (run lengths by position in b), shared by every search.
 * Every row of every search gets a new stamp, taken before the search starts (so a
 * search stopped half-way by a scoring limit leaves nothing a later one can read), so
 * an entry is valid only for the row that wrote it and the next one.
 */
const j2 = { len: new Int32Array(0), stamp: new Int32Array(0), clock: 1 };

/** Makes room for entries 0..nb and for `rowCount` more stamps; stamp 0 means "never written". */
function reserveJ2(nb: number, rowCount: number): void {
  if (j2.len.length <= nb) {
    const size = Math.max(nb + 1, j2.len.length * 2);
    j2.len = new Int32Array(size);
    j2.stamp = new Int32Array(size);
    j2.clock = 1;
  }
  if (j2.clock > 0x3fffffff - rowCount) {
    j2.stamp.fill(0);
    j2.clock = 1;
  }
}

/** The first index in `[lo, hi)` whose value is >= `x` (`hi` if none); `values` ascending. */
function firstAtLeast(values: Int32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The longest junk-free match (a diagonal run of equal elements of b2j) inside the
 * ranges, by Python's `j2len` dynamic programme: the first longest in row-major order
 * of its last cell. Writes `[i, j, k]` (the run's start and length) into `out`.
 */
function longestRunDp(
  ix: BIndex,
  aIds: Int32Array,
  live: LiveRows,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
  out: Int32Array,
): void {
  const { start, pos } = ix;
  reserveJ2(ix.n + 1, ahi - alo + 2);
  const j2len = j2.len;
  const j2stamp = j2.stamp;
  // Row i of this search is stamped `base + i`, and reads entries stamped `base + i - 1`
  // (row i - 1; rows skipped as dead write nothing). `base` starts past every stamp used
  // so far, so no row ever sees entries written by an earlier search.
  const base = j2.clock + 1 - alo;
  j2.clock += ahi - alo + 2;
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  // Work units: one per (row, position of b) visited, counted per row against an int32
  // allowance (`left`), settled with the meter when it runs out and at the end.
  let left = unitsLeft();
  let from = left;
  const liveRows = live.rows;
  for (let r = firstAtLeast(liveRows, 0, live.count, alo); r < live.count; r++) {
    const i = liveRows[r];
    if (i >= ahi) break;
    const id = aIds[i];
    const stamp = base + i;
    // Positions are ascending: walk down from the last one < bhi to the first one >= blo.
    let lo = start[id];
    let hi = start[id + 1];
    // A binary search that clips the positions to [blo, bhi) costs a unit per halving.
    if (pos[hi - 1] >= bhi) {
      left -= 32 - Math.clz32(hi - lo);
      hi = firstAtLeast(pos, lo, hi - 1, bhi);
    }
    if (pos[lo] < blo) {
      left -= 32 - Math.clz32(hi - lo);
      lo = firstAtLeast(pos, lo + 1, hi, blo);
    }
    left -= hi - lo + 1;
    if (left < 0) left = from = settleWork(from - left);
    // Walking down, `>=` keeps the smallest j among this row's longest runs, which is
    // the one Python's ascending walk with `>` would keep.
    let rowBest = 0;
    let rowJ = 0;
    const prev = stamp - 1;
    for (let p = hi - 1; p >= lo; p--) {
      const j = pos[p];
      // Entry j + 1 is position j; entry 0 (position -1) is never stamped. Branch-free:
      // the run at j - 1 counts only if it was stamped by the previous row (d === 0).
      const d = j2stamp[j] - prev;
      const k = (j2len[j] & ~((d | -d) >> 31)) + 1;
      j2len[j + 1] = k;
      j2stamp[j + 1] = stamp;
      if (k >= rowBest) {
        rowBest = k;
        rowJ = j;
      }
    }
    if (rowBest > bestsize) {
      besti = i - rowBest + 1;
      bestj = rowJ - rowBest + 1;
      bestsize = rowBest;
    }
  }
  meter.work += from - left;
  if (meter.work > meter.checkAt) checkLimits();
  out[0] = besti;
  out[1] = bestj;
  out[2] = bestsize;
}

/**
 * The same answer as {@link longestRunDp} when that answer is at least `spacing`
 * long, found by looking only at every `spacing`-th row (any run of `spacing` or more
 * rows crosses one of them) and walking each run met there along its diagonal.
 * Writes the longest run that crosses those rows, with ties broken as Python does
 * (earliest start in a, then in b); `[alo, blo, 0]` when none does. If the length
 * written is at least `spacing`, it is the longest run of all: a longer run would
 * have crossed a visited row.
 */
function longestRunAnchored(
  ix: BIndex,
  aIds: Int32Array,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
  spacing: number,
  out: Int32Array,
): void {
  const { bIds, start, pos, inB2j } = ix;
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  // Work units: one per row visited; two per (row, position of b) visited, which starts a
  // diagonal walk (its set-up and two data-dependent loop exits cost about as much as
  // two cells of the dynamic programme); and one per element compared on the walk (the
  // walks, not the rows, are what can be long).
  let left = unitsLeft();
  let from = left;
  for (let r = alo + spacing - 1; r < ahi; r += spacing) {
    left--;
    const id = aIds[r];
    if (id === NO_ID || inB2j[id] === 0) continue;
    let lo = start[id];
    let hi = start[id + 1];
    if (pos[hi - 1] >= bhi) {
      left -= 32 - Math.clz32(hi - lo);
      hi = firstAtLeast(pos, lo, hi - 1, bhi);
    }
    if (pos[lo] < blo) {
      left -= 32 - Math.clz32(hi - lo);
      lo = firstAtLeast(pos, lo + 1, hi, blo);
    }
    for (let p = lo; p < hi; p++) {
      const j = pos[p];
      // Back along the diagonal; a run reaching the previous visited row was seen there.
      let back = 0;
      while (back < spacing && r - back > alo && j - back > blo) {
        const e = bIds[j - back - 1];
        if (e !== aIds[r - back - 1] || inB2j[e] === 0) break;
        back++;
      }
      if (back === spacing) {
        left -= spacing + 2;
        if (left < 0) left = from = settleWork(from - left);
        continue;
      }
      let size = back + 1;
      while (r - back + size < ahi && j - back + size < bhi) {
        const e = bIds[j - back + size];
        if (e !== aIds[r - back + size] || inB2j[e] === 0) break;
        size++;
      }
      left -= size + 2;
      if (left < 0) left = from = settleWork(from - left);
      const i0 = r - back;
      const j0 = j - back;
      if (size > bestsize || (size === bestsize && (i0 < besti || (i0 === besti && j0 < bestj)))) {
        besti = i0;
        bestj = j0;
        bestsize = size;
      }
    }
  }
  meter.work += from - left;
  if (meter.work > meter.checkAt) checkLimits();
  out[0] = besti;
  out[1] = bestj;
  out[2] = bestsize;
}

/** Row spacing of the first anchored pass, and the shortest run worth a second one. */
const ANCHOR_SPACING = 16;
const ANCHOR_MIN = 6;

/**
 * Python's `find_longest_match(alo, ahi, blo, bhi)` on ids: writes `[i, j, k]`
 * into `out`. Ties go to the smallest i, then the smallest j; the junk-free match
 * is then extended by non-junk (popular included) and then by junk elements.
 *
 * When the longest junk-free run is long (near-identical text), it is found from
 * every 16th row (then, if it is at least 6 long, every k-th row), which gives the
 * same run as the full dynamic programme; otherwise the full programme runs.
 * @internal
 */
export function findLongest(
  ix: BIndex,
  aIds: Int32Array,
  live: LiveRows,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
  out: Int32Array,
): void {
  const { bIds, isJunk } = ix;
  let done = false;
  if (ahi - alo >= 2 * ANCHOR_SPACING && bhi - blo >= ANCHOR_SPACING) {
    longestRunAnchored(ix, aIds, alo, ahi, blo, bhi, ANCHOR_SPACING, out);
    const k = out[2];
    if (k >= ANCHOR_SPACING) done = true;
    else if (k >= ANCHOR_MIN) {
      longestRunAnchored(ix, aIds, alo, ahi, blo, bhi, k, out);
      done = true;
    }
  }
  if (!done) longestRunDp(ix, aIds, live, alo, ahi, blo, bhi, out);
  let besti = out[0];
  let bestj = out[1];
  let bestsize = out[2];

  if (isJunk === null) {
    while (besti > alo && bestj > blo && aIds[besti - 1] === bIds[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && aIds[besti + bestsize] === bIds[bestj + bestsize]) {
      bestsize++;
    }
  } else {
    // First over non-junk elements (popular ones included), then over junk.
    for (let junk = 0; junk <= 1; junk++) {
      while (besti > alo && bestj > blo && isJunk[bIds[bestj - 1]] === junk && aIds[besti - 1] === bIds[bestj - 1]) {
        besti--;
        bestj--;
        bestsize++;
      }
      while (
        besti + bestsize < ahi &&
        bestj + bestsize < bhi &&
        isJunk[bIds[bestj + bestsize]] === junk &&
        aIds[besti + bestsize] === bIds[bestj + bestsize]
      ) {
        bestsize++;
      }
    }
  }
  out[0] = besti;
  out[1] = bestj;
  out[2] = bestsize;
}

const found = new Int32Array(3);

/**
 * Python's divide and conquer of `get_matching_blocks()`: the longest match of the
 * whole ranges, then recursively left and right of it. Calls `visit` for each
 * block, in no particular order; returns the total size of the blocks.
 * @internal
 */
export function walkBlocks(
  ix: BIndex,
  aIds: Int32Array,
  la: number,
  live: LiveRows,
  visit: ((i: number, j: number, k: number) => void) | null,
): number {
  const stack: number[] = [0, la, 0, ix.n];
  let total = 0;
  while (stack.length > 0) {
    const bhi = stack.pop() as number;
    const blo = stack.pop() as number;
    const ahi = stack.pop() as number;
    const alo = stack.pop() as number;
    findLongest(ix, aIds, live, alo, ahi, blo, bhi, found);
    const i = found[0];
    const j = found[1];
    const k = found[2];
    if (k) {
      total += k;
      if (visit !== null) visit(i, j, k);
      if (alo < i && blo < j) stack.push(alo, i, blo, j);
      if (i + k < ahi && j + k < bhi) stack.push(i + k, ahi, j + k, bhi);
    }
  }
  return total;
}
