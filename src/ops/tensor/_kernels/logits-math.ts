/**
 * Log-softmax + gather and entropy over rows of logits, on typed arrays: the fused CPU
 * kernels of `tokenLogProbs` and `entropyFromLogits` (cpu and wasm backends). One pass for
 * the row maximum, one for the exponentials (stored, when the gradient is wanted, where the
 * gradient goes), one over the cache-hot row to turn them into the gradient. Sums in float64.
 * @internal
 * @module
 */
import { fastExpNeg } from './fast-exp.js';

/** Lowest `z - max` used in products with `exp(z - max)`: exp is 0 in float32 long before. */
const FLOOR = -256;

/** Throws the RangeError for a logit that is NaN or +Infinity. */
function badLogit(fn: string, z: Float32Array, base: number, n: number, V: number): never {
  for (let v = 0; v < V; v++) {
    const x = z[base + v] as number;
    if (!(x < Infinity)) {
      throw new RangeError(`${fn}: logits[${n}, ${v}] (row ${n} of the flattened [N, V]) is ${String(x)}; logits must be finite or -Infinity`);
    }
  }
  throw new RangeError(`${fn}: logits row ${n} of the flattened [N, V] has no finite value`);
}

/** The maximum of row `n`, checking that it holds no NaN / +Infinity and a finite value. */
function rowMax(fn: string, z: Float32Array, base: number, n: number, V: number): number {
  let m = -Infinity;
  let bad = false;
  for (let v = base, end = base + V; v < end; v++) {
    const x = z[v] as number;
    if (x > m) m = x;
    else if (x !== x) bad = true;
  }
  if (bad || !(m < Infinity) || m === -Infinity) badLogit(fn, z, base, n, V);
  return m;
}

/**
 * `out[n] = z[n, ids[n]] - logsumexp(z[n, :])` for each of the N rows of `z` ([N, V], flat).
 * With `grad`, also writes `grad[n, v] = [v == ids[n]] - softmax(z[n, :])[v]`, the gradient
 * of `out[n]` w.r.t. the row.
 *
 * @throws RangeError naming the position of an id outside [0, V), or of a NaN / +Infinity logit.
 * @internal
 */
export function logSoftmaxGatherRows(
  fn: string,
  z: Float32Array,
  ids: Int32Array,
  N: number,
  V: number,
  out: Float32Array,
  grad: Float32Array | null,
): void {
  for (let n = 0; n < N; n++) {
    const id = ids[n] as number;
    if (!(id >= 0 && id < V)) {
      throw new RangeError(`${fn}: ids[${n}] (flattened) is ${id}, expected an integer in [0, ${V}) (V = logits.shape[-1])`);
    }
  }
  for (let n = 0, base = 0; n < N; n++, base += V) {
    const m = rowMax(fn, z, base, n, V);
    let s = 0;
    if (grad === null) {
      for (let v = base, end = base + V; v < end; v++) s += fastExpNeg((z[v] as number) - m);
    } else {
      for (let v = base, end = base + V; v < end; v++) {
        const e = fastExpNeg((z[v] as number) - m);
        grad[v] = e;
        s += e;
      }
    }
    const id = ids[n] as number;
    out[n] = (z[base + id] as number) - m - Math.log(s);
    if (grad !== null) {
      const inv = -1 / s;
      for (let v = base, end = base + V; v < end; v++) grad[v] = (grad[v] as number) * inv;
      grad[base + id] = 1 + fastExpNeg((z[base + id] as number) - m) * inv;
    }
  }
}

/**
 * Entropy of each row's softmax: `out[n] = logsumexp(z) - sum_v p_v z_v`. With `grad`, also
 * writes its gradient w.r.t. the row, `-p_v (z_v - sum_u p_u z_u)`.
 *
 * @throws RangeError naming the position of a NaN / +Infinity logit.
 * @internal
 */
export function entropyRows(fn: string, z: Float32Array, N: number, V: number, out: Float32Array, grad: Float32Array | null): void {
  for (let n = 0, base = 0; n < N; n++, base += V) {
    const m = rowMax(fn, z, base, n, V);
    let s = 0;
    let sx = 0;
    for (let v = base, end = base + V; v < end; v++) {
      let x = (z[v] as number) - m;
      if (x < FLOOR) x = FLOOR;
      const e = fastExpNeg(x);
      if (grad !== null) grad[v] = e;
      s += e;
      sx += e * x;
    }
    const mean = sx / s; // E_p[z - m]
    out[n] = Math.log(s) - mean;
    if (grad !== null) {
      const inv = -1 / s;
      for (let v = base, end = base + V; v < end; v++) {
        let x = (z[v] as number) - m;
        if (x < FLOOR) x = FLOOR;
        grad[v] = (grad[v] as number) * inv * (x - mean);
      }
    }
  }
}

/** `x[n, :] *= dy[n]` in place, for the rows of `x` ([N, V], flat). @internal */
export function scaleRowsInPlace(x: Float32Array, dy: Float32Array, N: number, V: number): void {
  for (let n = 0, base = 0; n < N; n++, base += V) {
    const d = dy[n] as number;
    if (d === 1) continue;
    for (let v = base, end = base + V; v < end; v++) x[v] = (x[v] as number) * d;
  }
}

/** `out[n, :] = x[n, :] * dy[n]` into a new array. @internal */
export function scaleRows(x: Float32Array, dy: Float32Array, N: number, V: number, out: Float32Array): void {
  for (let n = 0, base = 0; n < N; n++, base += V) {
    const d = dy[n] as number;
    for (let v = base, end = base + V; v < end; v++) out[v] = (x[v] as number) * d;
  }
}
