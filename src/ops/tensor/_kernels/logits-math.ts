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

/**
 * Throws the RangeError for a log-probability that overflowed float32 although its logit is
 * finite (`logits[n, id] - max` below -3.4e38). -Infinity from a -Infinity logit is log 0, not this.
 * @internal
 */
export function logProbOverflow(fn: string, n: number, id: number, chosen: number, max: number): never {
  throw new RangeError(
    `${fn}: the log-probability of row ${n} overflowed to -Infinity (logits[${n}, ${id}] = ${String(chosen)}, row maximum ${String(max)}); the logits are too far apart for float32`,
  );
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
 * @throws RangeError naming the position of an id outside [0, V), of a NaN / +Infinity logit,
 *   or of a log-probability that overflows float32.
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
    const chosen = z[base + id] as number;
    const v = chosen - m - Math.log(s);
    if (Math.fround(v) === -Infinity && chosen !== -Infinity) logProbOverflow(fn, n, id, chosen, m);
    out[n] = v;
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

/**
 * The RangeError for token id `id` at (flattened) position `n` unless it is an integer in
 * [0, V); null when it is one. @internal
 */
export function badIdError(fn: string, n: number, id: number, V: number): RangeError | null {
  if (Number.isInteger(id) && id >= 0 && id < V) return null;
  return new RangeError(`${fn}: ids[${n}] (flattened) is ${String(id)}, expected an integer in [0, ${V}) (V = logits.shape[-1])`);
}

/**
 * Throws what the kernels throw for the first bad input of a logits op, read back to the host:
 * an id that is not an integer in [0, V) (`ids` as given, float ids included), a NaN /
 * +Infinity logit, a row without a finite logit, or a log-probability that overflows float32.
 * Returns when there is none.
 * @internal
 */
export function throwFirstBadLogits(fn: string, kind: 'logp' | 'entropy', z: Float32Array, ids: ArrayLike<number> | null, N: number, V: number): void {
  const out = new Float32Array(N);
  if (ids === null) {
    entropyRows(fn, z, N, V, out, null);
    return;
  }
  for (let n = 0; n < N; n++) {
    const error = badIdError(fn, n, ids[n] as number, V);
    if (error !== null) throw error;
  }
  if (kind === 'logp') logSoftmaxGatherRows(fn, z, Int32Array.from(ids), N, V, out, null);
  else entropyRows(fn, z, N, V, out, null);
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
