import { NO_ID } from './intern.js';
import { indexB, walkBlocks, type BIndex } from './matcher-core.js';
import { SequenceMatcher } from './sequence-matcher.js';
import type { Sequence } from './types.js';

/** Buffers reused by every one-shot ratio (a call runs to completion and calls nothing back). */
const scratch = {
  a: new Int32Array(0),
  live: new Int32Array(0),
  b: new Int32Array(0),
  counts: new Int32Array(0),
  start: new Int32Array(0),
  pos: new Int32Array(0),
  inB2j: new Uint8Array(0),
  /** The code point of each id, to reset `ids` after a call. */
  cps: new Int32Array(0),
  /** Code point (BMP) -> id, or -1; allocated on first use, all -1 between calls. */
  ids: null as Int32Array | null,
};

function reserve(la: number, lb: number): void {
  if (scratch.a.length < la) {
    const size = Math.max(la, scratch.a.length * 2);
    scratch.a = new Int32Array(size);
    scratch.live = new Int32Array(size);
  }
  if (scratch.b.length < lb) {
    const size = Math.max(lb, scratch.b.length * 2);
    scratch.b = new Int32Array(size);
    scratch.pos = new Int32Array(size);
    scratch.counts = new Int32Array(size);
    scratch.start = new Int32Array(size + 1);
    scratch.inB2j = new Uint8Array(size);
    scratch.cps = new Int32Array(size);
  }
}

function allIndexed(inB2j: Uint8Array, nIds: number): boolean {
  for (let k = 0; k < nIds; k++) if (inB2j[k] === 0) return false;
  return true;
}

/**
 * `SequenceMatcher(None, a, b, autojunk).ratio()` without building a matcher: for
 * two strings whose second has no astral characters (most text), ids come from
 * one reused code point table and every buffer is reused, so the call allocates
 * nothing but a small stack. Anything else goes through {@link SequenceMatcher}.
 * @internal
 */
export function difflibRatio(a: Sequence, b: Sequence, autojunk: boolean): number {
  if (typeof a !== 'string' || typeof b !== 'string') return new SequenceMatcher(a, b, { autojunk }).ratio();
  reserve(a.length, b.length);
  const { b: bIds, a: aIds, counts, cps } = scratch;
  const table = (scratch.ids ??= new Int32Array(0x10000).fill(NO_ID));
  // Ids in order of first occurrence in b, straight from the UTF-16 units: a surrogate
  // pair (an astral character) sends the call to the general path; a lone surrogate is
  // an element of its own, as in Python.
  let nIds = 0;
  let lb = 0;
  for (let u = 0; u < b.length; u++) {
    const cp = b.charCodeAt(u);
    if (cp >= 0xd800 && cp <= 0xdbff && u + 1 < b.length) {
      const next = b.charCodeAt(u + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        for (let k = 0; k < nIds; k++) table[cps[k]] = NO_ID;
        return new SequenceMatcher(a, b, { autojunk }).ratio();
      }
    }
    let id = table[cp];
    if (id === NO_ID) {
      id = nIds++;
      table[cp] = id;
      cps[id] = cp;
      counts[id] = 0;
    }
    counts[id]++;
    bIds[lb++] = id;
  }
  const ix: BIndex = {
    bIds,
    n: lb,
    start: scratch.start,
    pos: scratch.pos,
    inB2j: scratch.inB2j,
    isJunk: null,
  };
  indexB(ix, nIds, counts, autojunk);
  const inB2j = ix.inB2j;
  // Equal strings with every element in b2j (nothing popular): the whole string is the
  // unique match of the largest possible size, so Python's answer is exactly 1.
  if (a === b && lb > 0 && allIndexed(inB2j, nIds)) {
    for (let k = 0; k < nIds; k++) table[cps[k]] = NO_ID;
    return 1.0;
  }
  // a, listing its live rows (elements in b2j) on the way. Its astral characters match
  // nothing in b, so they need no decoding beyond counting as one element.
  const rows = scratch.live;
  let nLive = 0;
  let la = 0;
  for (let u = 0; u < a.length; u++) {
    const cp = a.charCodeAt(u);
    let id = NO_ID;
    if (cp >= 0xd800 && cp <= 0xdbff && u + 1 < a.length) {
      const next = a.charCodeAt(u + 1);
      if (next >= 0xdc00 && next <= 0xdfff) u++;
      else id = table[cp];
    } else {
      id = table[cp];
    }
    if (id !== NO_ID && inB2j[id] === 1) rows[nLive++] = la;
    aIds[la++] = id;
  }
  for (let k = 0; k < nIds; k++) table[cps[k]] = NO_ID;

  const length = la + lb;
  return length ? (2.0 * walkBlocks(ix, aIds, la, { rows, count: nLive }, null)) / length : 1.0;
}
