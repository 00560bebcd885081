/**
 * The textbook O(n * m) dynamic programme for the length of a longest common
 * subsequence (elements compared with `===`), with two rows of the table. It shares no
 * code with src/ and serves only as an independent oracle for property tests.
 */
export function naiveLcsLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  const m = b.length;
  let prev = new Array<number>(m + 1).fill(0);
  let row = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = 0;
    for (let j = 1; j <= m; j++) {
      if (a[i - 1] === b[j - 1]) row[j] = (prev[j - 1] as number) + 1;
      else row[j] = Math.max(prev[j] as number, row[j - 1] as number);
    }
    [prev, row] = [row, prev];
  }
  return prev[m] as number;
}

/** The code points of a string, as numbers (a Python `str`'s elements). */
export function codePointArray(text: string): number[] {
  return Array.from(text, (ch) => ch.codePointAt(0) as number);
}
