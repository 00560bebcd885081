/**
 * The code points of a string, in order, as Python sees a `str`: an astral
 * character (a valid surrogate pair) is one element, and a lone surrogate is
 * one element of its own.
 * @internal
 */
export function codePoints(text: string): Int32Array {
  const out = new Int32Array(text.length);
  const m = codePointsInto(text, out);
  return m === text.length ? out : out.subarray(0, m);
}

/**
 * Writes the code points of a string into `out` (which must hold at least
 * `text.length` elements) and returns how many there are.
 * @internal
 */
export function codePointsInto(text: string, out: Int32Array): number {
  const n = text.length;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out[m++] = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    out[m++] = c;
  }
  return m;
}

/**
 * The first `n` code points of a string (Python's `text[:n]`), never splitting a
 * surrogate pair.
 * @internal
 */
export function sliceCodePoints(text: string, n: number): string {
  let units = 0;
  for (let count = 0; count < n && units < text.length; count++) {
    const c = text.charCodeAt(units);
    const d = units + 1 < text.length ? text.charCodeAt(units + 1) : 0;
    units += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
  }
  return units >= text.length ? text : text.slice(0, units);
}
