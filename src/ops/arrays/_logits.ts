import type { NumberArray } from '../types.js';
import { at, checkArray, checkShape2, nonFinite, shapeText } from './_check.js';

/**
 * Checks `logits` against `shape` `[N, V]` (V >= 1). NaN and +Infinity throw; -Infinity is a
 * zero-probability entry, allowed as long as a row has one finite logit. @internal
 */
export function checkLogits(logits: unknown, shape: unknown, fn: string): readonly [number, number] {
  const [rows, vocab] = checkShape2(shape, fn, ['N', 'V'], 1);
  checkArray(logits, rows * vocab, fn, 'logits', `shape ${shapeText([rows, vocab])}`);
  for (let i = 0; i < rows; i++) {
    let finite = false;
    for (let k = i * vocab, end = k + vocab; k < end; k++) {
      const z = logits[k] as number;
      if (z === Number.NEGATIVE_INFINITY) continue;
      if (!Number.isFinite(z)) nonFinite(fn, at('logits', k, vocab), z, 'logits must be finite or -Infinity');
      finite = true;
    }
    if (!finite) {
      throw new RangeError(`${fn}: row ${i} of 'logits' is all -Infinity; a row needs at least one finite logit`);
    }
  }
  return [rows, vocab];
}

/**
 * The row's maximum and `log(sum(exp(z - max)))`, in float64. @internal
 */
export function rowLogSumExp(logits: NumberArray, start: number, vocab: number): { max: number; logSum: number } {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = start; k < start + vocab; k++) {
    const z = logits[k] as number;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let k = start; k < start + vocab; k++) sum += Math.exp((logits[k] as number) - max);
  return { max, logSum: Math.log(sum) };
}
