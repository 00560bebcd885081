/**
 * A deliberately naive, line-by-line transcription of CPython's
 * difflib.SequenceMatcher (Lib/difflib.py: __chain_b, find_longest_match,
 * get_matching_blocks), on arrays of code points, with Maps where Python has
 * dicts. It shares no code with src/ and is used only as an independent oracle
 * for property tests on inputs the fixtures do not enumerate.
 */
export interface NaiveMatch {
  a: number;
  b: number;
  size: number;
}

export class NaiveSequenceMatcher {
  readonly a: number[];
  readonly b: number[];
  readonly b2j = new Map<number, number[]>();
  readonly bjunk = new Set<number>();
  readonly bpopular = new Set<number>();

  constructor(a: string, b: string, isjunk: ((ch: string) => boolean) | null, autojunk: boolean) {
    this.a = Array.from(a, (ch) => ch.codePointAt(0) as number);
    this.b = Array.from(b, (ch) => ch.codePointAt(0) as number);
    // __chain_b
    this.b.forEach((elt, i) => {
      const list = this.b2j.get(elt);
      if (list) list.push(i);
      else this.b2j.set(elt, [i]);
    });
    if (isjunk) {
      for (const elt of this.b2j.keys()) if (isjunk(String.fromCodePoint(elt))) this.bjunk.add(elt);
      for (const elt of this.bjunk) this.b2j.delete(elt);
    }
    const n = this.b.length;
    if (autojunk && n >= 200) {
      const ntest = Math.floor(n / 100) + 1;
      for (const [elt, idxs] of this.b2j) if (idxs.length > ntest) this.bpopular.add(elt);
      for (const elt of this.bpopular) this.b2j.delete(elt);
    }
  }

  findLongestMatch(alo: number, ahi: number, blo: number, bhi: number): NaiveMatch {
    const { a, b, b2j, bjunk } = this;
    const isbjunk = (x: number) => bjunk.has(x);
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const newj2len = new Map<number, number>();
      for (const j of b2j.get(a[i] as number) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        newj2len.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = newj2len;
    }
    while (besti > alo && bestj > blo && !isbjunk(b[bestj - 1] as number) && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && !isbjunk(b[bestj + bestsize] as number) && a[besti + bestsize] === b[bestj + bestsize]) {
      bestsize++;
    }
    while (besti > alo && bestj > blo && isbjunk(b[bestj - 1] as number) && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && isbjunk(b[bestj + bestsize] as number) && a[besti + bestsize] === b[bestj + bestsize]) {
      bestsize++;
    }
    return { a: besti, b: bestj, size: bestsize };
  }

  getMatchingBlocks(): NaiveMatch[] {
    const la = this.a.length;
    const lb = this.b.length;
    const queue: [number, number, number, number][] = [[0, la, 0, lb]];
    const blocks: NaiveMatch[] = [];
    while (queue.length > 0) {
      const [alo, ahi, blo, bhi] = queue.pop() as [number, number, number, number];
      const x = this.findLongestMatch(alo, ahi, blo, bhi);
      const { a: i, b: j, size: k } = x;
      if (k) {
        blocks.push(x);
        if (alo < i && blo < j) queue.push([alo, i, blo, j]);
        if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
      }
    }
    blocks.sort((x, y) => x.a - y.a || x.b - y.b || x.size - y.size);
    const merged: NaiveMatch[] = [];
    let i1 = 0;
    let j1 = 0;
    let k1 = 0;
    for (const { a: i2, b: j2, size: k2 } of blocks) {
      if (i1 + k1 === i2 && j1 + k1 === j2) k1 += k2;
      else {
        if (k1) merged.push({ a: i1, b: j1, size: k1 });
        i1 = i2;
        j1 = j2;
        k1 = k2;
      }
    }
    if (k1) merged.push({ a: i1, b: j1, size: k1 });
    merged.push({ a: la, b: lb, size: 0 });
    return merged;
  }

  ratio(): number {
    const matches = this.getMatchingBlocks().reduce((s, m) => s + m.size, 0);
    const length = this.a.length + this.b.length;
    return length ? (2.0 * matches) / length : 1.0;
  }
}
