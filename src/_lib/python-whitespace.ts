/**
 * Python's notion of whitespace (`str.isspace()`), so that `pyStrip` and `pySplit`
 * give the same result as `str.strip()` and `str.split()` in CPython. It differs
 * from JavaScript's `\s`: Python counts U+001C..U+001F and U+0085 as whitespace,
 * JavaScript counts U+FEFF. All whitespace code points are in the BMP.
 * @internal
 */
export function isPythonSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * `text.strip()` as in Python: removes leading and trailing Python whitespace.
 * @internal
 */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonSpace(text.charCodeAt(start))) start++;
  while (end > start && isPythonSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * `text.split()` as in Python (no separator): runs of Python whitespace separate
 * words, and leading or trailing whitespace yields no empty words.
 * @internal
 */
export function pySplit(text: string): string[] {
  const words: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isPythonSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isPythonSpace(text.charCodeAt(i))) i++;
    words.push(text.slice(start, i));
  }
  return words;
}
