/**
 * An adversarial item for difflib (issue 17): a 101-symbol periodic string of `n` code
 * points inside `<think>t</think>`, and its reverse as the expert step. Every symbol is too
 * rare to be "popular" for autojunk, so the matcher's cost grows about as n^2.8.
 */
export function periodicPair(n: number): [output: string, target: string] {
  const symbols = Array.from({ length: 101 }, (_, i) => String.fromCharCode(0x100 + i)).join('');
  const s = symbols.repeat(Math.ceil(n / 101)).slice(0, n);
  return [`<think>t</think>${s}`, [...s].reverse().join('')];
}
