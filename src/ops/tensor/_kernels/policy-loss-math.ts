/**
 * The policy losses on typed arrays: the fused CPU kernel of `policyLoss` (cpu and wasm
 * backends). One pass over the mask (per-row token counts, 0/1 check), then per row one pass
 * that computes the per-token losses, the metrics and, when asked, the gradient of the
 * aggregated loss w.r.t. `logProbs` (the closed form per token, times the row's aggregation
 * weight). GSPO adds a pass over the row (cache-hot) for its sequence log-ratio. Sums in float64.
 * Formulas: `src/ops/types.ts` and `scripts/gen_ops_fixtures.py`.
 * @internal
 * @module
 */
import type { ResolvedPolicyLossOptions } from '../../types.js';
import { policyOverflowHint } from '../../arrays/_check.js';
import { policyLossArray } from '../../arrays/policy-loss-array.js';
import { fastExp } from './fast-exp.js';

/** Positions in the stats vector of the policy-loss kernels. @internal */
export const STAT = {
  loss: 0,
  clipFraction: 1,
  clipFractionLower: 2,
  approxKl: 3,
  tokens: 4,
  /** Count of valid tokens with a non-finite input plus mask values other than 0/1 (GPU kernels; the CPU ones throw). */
  bad: 5,
  /** Count of valid tokens whose gradient is not finite in float32 (GPU kernels; the CPU ones throw). */
  overflow: 6,
} as const;

/** Length of the stats vector. @internal */
export const STAT_COUNT = 7;

/** Magnitudes from here on round to ±Infinity in float32 (halfway between FLT_MAX and 2^128). @internal */
export const F32_INFINITE_FROM = 3.4028235677973366e38;

const STAT_NAMES = ['loss', 'clipFraction', 'clipFractionLower', 'approxKl', 'tokens'] as const;

/** The inputs of {@link policyLossRows}, flat and row-major. @internal */
export interface PolicyLossArrays {
  readonly logProbs: Float32Array;
  readonly oldLogProbs: Float32Array;
  /** `[B]` (one per row) or `[B, T]`. */
  readonly advantages: Float32Array;
  readonly mask: Float32Array;
  readonly B: number;
  readonly T: number;
}

/** Names `name[b, t] (flat index k)` (`name` may be empty). */
function at(name: string, k: number, T: number): string {
  return `${name}[${Math.floor(k / T)}, ${k % T}] (flat index ${k})`;
}

/** `v` as float32 would hold it: NaN or ±Infinity when it does not fit. */
function asFloat32(v: number): number {
  return Math.fround(v);
}

/** Throws the RangeError for a gradient value that does not fit float32. */
function gradOverflow(fn: string, k: number, T: number, v: number, o: ResolvedPolicyLossOptions): never {
  const shown = Number.isNaN(v) ? 'NaN' : String(asFloat32(v));
  throw new RangeError(`${fn}: the gradient w.r.t. logProbs overflowed to ${shown} at ${at('', k, T)} (float32); ${policyOverflowHint(o)}`);
}

/** `v`, the gradient at flat index `k`, unless it does not fit float32 (then a RangeError). */
function checkedGrad(fn: string, v: number, k: number, T: number, o: ResolvedPolicyLossOptions): number {
  if (!(v < F32_INFINITE_FROM && v > -F32_INFINITE_FROM)) gradOverflow(fn, k, T, v, o);
  return v;
}

/**
 * Throws the RangeError for stats whose loss or metrics do not fit float32 (an overflow of
 * finite inputs), naming the per-token loss that overflowed where there is one, or for a
 * gradient that does not (`stats[STAT.overflow]`, counted by the GPU kernels). Reads the
 * inputs (`a`); returns when nothing is wrong.
 * @internal
 */
export function throwPolicyOverflow(fn: string, a: PolicyLossArrays, o: ResolvedPolicyLossOptions, stats: ArrayLike<number>): void {
  const { B, T } = a;
  for (const [i, name] of STAT_NAMES.entries()) {
    const v = asFloat32(stats[i] as number);
    if (v - v === 0) continue;
    if (name !== 'loss') throw new RangeError(`${fn}: metric '${name}' overflowed to ${String(v)}; check the scale of the log-probs`);
    let first = '';
    try {
      const { perToken } = policyLossArray(
        { logProbs: a.logProbs, oldLogProbs: a.oldLogProbs, advantages: a.advantages, mask: a.mask, shape: [B, T] },
        o,
      );
      for (let k = 0; k < perToken.length; k++) {
        const L = perToken[k] as number;
        if (!(Math.abs(L) < F32_INFINITE_FROM)) {
          first = ` (the per-token loss at ${at('', k, T)} is ${String(L)}, beyond float32)`;
          break;
        }
      }
    } catch {
      // float64 overflows too: nothing more to name
    }
    throw new RangeError(`${fn}: the loss overflowed to ${String(v)}${first}; ${policyOverflowHint(o)}`);
  }
  const overflow = stats[STAT.overflow] as number;
  if (overflow > 0) {
    // the float64 host kernel names the position where it overflows too
    policyLossRows(fn, a, o, new Float32Array(B * T));
    throw new RangeError(`${fn}: the gradient w.r.t. logProbs overflowed in float32 at ${String(overflow)} valid token(s); ${policyOverflowHint(o)}`);
  }
}

/** Throws the RangeError for the first non-finite input at a valid position, or a mask value other than 0/1. @internal */
export function throwFirstBadInput(fn: string, a: PolicyLossArrays): never {
  const { logProbs, oldLogProbs, advantages, mask, B, T } = a;
  const perToken = advantages.length !== B;
  for (let k = 0; k < B * T; k++) {
    const m = mask[k] as number;
    if (m !== 0 && m !== 1) throw new RangeError(`${fn}: ${at('mask', k, T)} is ${String(m)}, expected 0 or 1`);
    if (m === 0) continue;
    const checks: Array<[string, number, string]> = [
      ['logProbs', logProbs[k] as number, at('logProbs', k, T)],
      ['oldLogProbs', oldLogProbs[k] as number, at('oldLogProbs', k, T)],
      perToken
        ? ['advantages', advantages[k] as number, at('advantages', k, T)]
        : ['advantages', advantages[Math.floor(k / T)] as number, `advantages[${Math.floor(k / T)}]`],
    ];
    for (const [, v, where] of checks) {
      if (!Number.isFinite(v)) {
        throw new RangeError(`${fn}: ${where} is ${String(v)}; values at valid (mask 1) positions must be finite`);
      }
    }
  }
  throw new RangeError(`${fn}: an input holds a NaN or infinite value at a valid position`);
}

/**
 * Per-row counts of valid tokens (checks that the mask is 0/1).
 * @internal
 */
export function rowCounts(fn: string, a: PolicyLossArrays): Float64Array {
  const { mask, B, T } = a;
  const counts = new Float64Array(B);
  for (let b = 0, k = 0; b < B; b++) {
    let n = 0;
    for (const end = k + T; k < end; k++) {
      const m = mask[k] as number;
      if (m === 1) n++;
      else if (m !== 0) throwFirstBadInput(fn, a);
    }
    counts[b] = n;
  }
  return counts;
}

/**
 * The aggregation weight of each row: d loss / d (sum_t m L) for that row, from the row
 * counts and the (resolved) normalizer. Matches the plain-array `aggregateChecked`.
 * @internal
 */
export function rowWeights(
  counts: Float64Array,
  T: number,
  mode: ResolvedPolicyLossOptions['aggregation'],
  normalizer: ResolvedPolicyLossOptions['normalizer'],
): Float64Array {
  const B = counts.length;
  let tokens = 0;
  let nonEmpty = 0;
  for (let b = 0; b < B; b++) {
    const n = counts[b] as number;
    tokens += n;
    if (n > 0) nonEmpty++;
  }
  const S = normalizer.sequences ?? nonEmpty;
  const w = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const n = counts[b] as number;
    let v = 0;
    switch (mode) {
      case 'token-mean': {
        const D = normalizer.tokens ?? tokens;
        v = D > 0 ? 1 / D : 0;
        break;
      }
      case 'seq-mean-token-mean':
        v = n > 0 && S > 0 ? 1 / (n * S) : 0;
        break;
      case 'seq-mean-token-sum':
        v = S > 0 ? 1 / S : 0;
        break;
      case 'seq-mean-token-sum-norm': {
        const K = normalizer.constant ?? T;
        v = S > 0 && K > 0 ? 1 / (S * K) : 0;
        break;
      }
    }
    w[b] = v;
  }
  return w;
}

/** Running sums of one call. */
interface Acc {
  loss: number;
  clipped: number;
  lower: number;
  kl: number;
}

/**
 * Computes the aggregated loss and the metrics; with `grad`, also writes d loss / d logProbs
 * (0 at masked positions). Returns the stats vector (see {@link STAT}).
 *
 * @throws RangeError naming the position of a mask value other than 0/1 or of a NaN /
 *   infinite input at a valid position, or when the loss, a metric or a gradient value does
 *   not fit float32.
 * @internal
 */
export function policyLossRows(
  fn: string,
  a: PolicyLossArrays,
  o: ResolvedPolicyLossOptions,
  grad: Float32Array | null,
): Float64Array {
  const { B, T } = a;
  const counts = rowCounts(fn, a);
  const weights = rowWeights(counts, T, o.aggregation, o.normalizer);
  const perToken = a.advantages.length !== B;
  const acc: Acc = { loss: 0, clipped: 0, lower: 0, kl: 0 };
  let tokens = 0;
  for (let b = 0; b < B; b++) {
    const n = counts[b] as number;
    const w = weights[b] as number;
    const start = b * T;
    tokens += n;
    if (n === 0) {
      if (grad !== null) grad.fill(0, start, start + T);
      continue;
    }
    const rowLoss = row(fn, a, o, b, start, perToken, w, grad, acc);
    acc.loss += w * rowLoss;
  }
  const stats = new Float64Array(STAT_COUNT);
  stats[STAT.loss] = acc.loss;
  stats[STAT.tokens] = tokens;
  if (tokens > 0) {
    stats[STAT.clipFraction] = acc.clipped / tokens;
    stats[STAT.clipFractionLower] = acc.lower / tokens;
    stats[STAT.approxKl] = acc.kl / tokens;
  }
  // an overflow of finite inputs (a huge ratio without its clamp) is an error, never returned
  if (!(Math.abs(acc.loss) < F32_INFINITE_FROM && Math.abs(stats[STAT.approxKl] as number) < F32_INFINITE_FROM)) {
    throwPolicyOverflow(fn, a, o, stats);
  }
  return stats;
}

/** One row: returns sum_t m L_t and adds to the metric sums. */
function row(
  fn: string,
  a: PolicyLossArrays,
  o: ResolvedPolicyLossOptions,
  b: number,
  start: number,
  perToken: boolean,
  w: number,
  grad: Float32Array | null,
  acc: Acc,
): number {
  switch (o.loss) {
    case 'ppo':
      return ppoRow(fn, a, o, b, start, perToken, w, grad, acc);
    case 'gspo':
      return gspoRow(fn, a, o, b, start, perToken, w, grad, acc);
    case 'cispo':
      return cispoRow(fn, a, o, b, start, perToken, w, grad, acc);
    case 'reinforce':
      return reinforceRow(fn, a, o, b, start, perToken, w, grad, acc);
    case 'sapo':
      return sapoRow(fn, a, o, b, start, perToken, w, grad, acc);
  }
}

function ppoRow(
  fn: string,
  a: PolicyLossArrays,
  o: ResolvedPolicyLossOptions,
  b: number,
  start: number,
  perToken: boolean,
  w: number,
  grad: Float32Array | null,
  acc: Acc,
): number {
  const { logProbs: lp, oldLogProbs: old, advantages: adv, mask, T } = a;
  const lo = 1 - o.clipLow;
  const hi = 1 + o.clipHigh;
  const C = o.logRatioClamp ?? Infinity;
  const dual = o.dualClip ?? Infinity;
  const aRow = perToken ? 0 : (adv[b] as number);
  let sum = 0;
  let clipped = 0;
  let lower = 0;
  let kl = 0;
  for (let k = start, end = start + T; k < end; k++) {
    if (mask[k] === 0) {
      if (grad !== null) grad[k] = 0;
      continue;
    }
    const A = perToken ? (adv[k] as number) : aRow;
    const delta = (lp[k] as number) - (old[k] as number);
    const chk = delta + A;
    if (chk - chk !== 0) throwFirstBadInput(fn, a);
    let d = delta;
    let live = 1;
    if (!(delta < C)) {
      d = C;
      live = 0;
    } else if (!(delta > -C)) {
      d = -C;
      live = 0;
    }
    const r = fastExp(d);
    const rc = r < lo ? lo : r > hi ? hi : r;
    const pg1 = -A * r;
    const pg2 = -A * rc;
    let L = pg1;
    let g = pg1 * live;
    if (pg2 > pg1) {
      L = pg2;
      g = 0;
      clipped++;
    }
    if (A < 0) {
      const pg3 = -A * dual;
      if (L > pg3) {
        L = pg3;
        g = 0;
        lower++;
      }
    }
    sum += L;
    kl -= d;
    if (grad !== null) grad[k] = checkedGrad(fn, g * w, k, T, o);
  }
  acc.clipped += clipped;
  acc.lower += lower;
  acc.kl += kl;
  return sum;
}

function gspoRow(
  fn: string,
  a: PolicyLossArrays,
  o: ResolvedPolicyLossOptions,
  b: number,
  start: number,
  perToken: boolean,
  w: number,
  grad: Float32Array | null,
  acc: Acc,
): number {
  const { logProbs: lp, oldLogProbs: old, advantages: adv, mask, T } = a;
  const end = start + T;
  // sequence log-ratio (raw deltas), checking the inputs on the way
  let sd = 0;
  let n = 0;
  const aRow = perToken ? 0 : (adv[b] as number);
  for (let k = start; k < end; k++) {
    if (mask[k] === 0) continue;
    const delta = (lp[k] as number) - (old[k] as number);
    const chk = delta + (perToken ? (adv[k] as number) : aRow);
    if (chk - chk !== 0) throwFirstBadInput(fn, a);
    sd += delta;
    n++;
  }
  let logr = sd / Math.max(n, 1);
  let live = 1;
  const M = o.sequenceLogRatioMax;
  if (M !== null && logr >= M) {
    logr = M;
    live = 0;
  }
  const r = Math.exp(logr);
  const lo = 1 - o.clipLow;
  const hi = 1 + o.clipHigh;
  const rc = r < lo ? lo : r > hi ? hi : r;
  const dual = o.dualClip ?? Infinity;
  let sum = 0;
  let clipped = 0;
  let lower = 0;
  let kl = 0;
  for (let k = start; k < end; k++) {
    if (mask[k] === 0) {
      if (grad !== null) grad[k] = 0;
      continue;
    }
    const A = perToken ? (adv[k] as number) : aRow;
    const pg1 = -A * r;
    const pg2 = -A * rc;
    let L = pg1;
    let g = pg1 * live;
    if (pg2 > pg1) {
      L = pg2;
      g = 0;
      clipped++;
    }
    if (A < 0) {
      const pg3 = -A * dual;
      if (L > pg3) {
        L = pg3;
        g = 0;
        lower++;
      }
    }
    sum += L;
    kl -= (lp[k] as number) - (old[k] as number);
    if (grad !== null) grad[k] = checkedGrad(fn, g * w, k, T, o);
  }
  acc.clipped += clipped;
  acc.lower += lower;
  acc.kl += kl;
  return sum;
}

function cispoRow(
  fn: string,
  a: PolicyLossArrays,
  o: ResolvedPolicyLossOptions,
  b: number,
  start: number,
  perToken: boolean,
  w: number,
  grad: Float32Array | null,
  acc: Acc,
): number {
  const { logProbs: lp, oldLogProbs: old, advantages: adv, mask, T } = a;
  const lo = o.cispoClip === 'two-sided' ? 1 - o.clipLow : -Infinity;
  const hi = 1 + o.clipHigh;
  const C = o.logRatioClamp ?? Infinity;
  const aRow = perToken ? 0 : (adv[b] as number);
  let sum = 0;
  let clipped = 0;
  let kl = 0;
  for (let k = start, end = start + T; k < end; k++) {
    if (mask[k] === 0) {
      if (grad !== null) grad[k] = 0;
      continue;
    }
    const A = perToken ? (adv[k] as number) : aRow;
    const l = lp[k] as number;
    const delta = l - (old[k] as number);
    const chk = delta + A;
    if (chk - chk !== 0) throwFirstBadInput(fn, a);
    const d = delta < C ? (delta > -C ? delta : -C) : C;
    const r = fastExp(d);
    let wt = r;
    if (r < lo) {
      wt = lo;
      clipped++;
    } else if (r > hi) {
      wt = hi;
      clipped++;
    }
    const g = -wt * A;
    sum += g * l;
    kl -= d;
    if (grad !== null) grad[k] = checkedGrad(fn, g * w, k, T, o);
  }
  acc.clipped += clipped;
  acc.kl += kl;
  return sum;
}

function reinforceRow(
  fn: string,
  a: PolicyLossArrays,
  o: ResolvedPolicyLossOptions,
  b: number,
  start: number,
  perToken: boolean,
  w: number,
  grad: Float32Array | null,
  acc: Acc,
): number {
  const { logProbs: lp, oldLogProbs: old, advantages: adv, mask, T } = a;
  const aRow = perToken ? 0 : (adv[b] as number);
  let sum = 0;
  let kl = 0;
  for (let k = start, end = start + T; k < end; k++) {
    if (mask[k] === 0) {
      if (grad !== null) grad[k] = 0;
      continue;
    }
    const A = perToken ? (adv[k] as number) : aRow;
    const l = lp[k] as number;
    const delta = l - (old[k] as number);
    const chk = delta + A;
    if (chk - chk !== 0) throwFirstBadInput(fn, a);
    sum -= A * l;
    kl -= delta;
    if (grad !== null) grad[k] = checkedGrad(fn, -A * w, k, T, o);
  }
  acc.kl += kl;
  return sum;
}

function sapoRow(
  fn: string,
  a: PolicyLossArrays,
  o: ResolvedPolicyLossOptions,
  b: number,
  start: number,
  perToken: boolean,
  w: number,
  grad: Float32Array | null,
  acc: Acc,
): number {
  const { logProbs: lp, oldLogProbs: old, advantages: adv, mask, T } = a;
  const C = o.logRatioClamp ?? Infinity;
  const tp = o.sapoTau.positive;
  const tn = o.sapoTau.negative;
  const aRow = perToken ? 0 : (adv[b] as number);
  let sum = 0;
  let kl = 0;
  for (let k = start, end = start + T; k < end; k++) {
    if (mask[k] === 0) {
      if (grad !== null) grad[k] = 0;
      continue;
    }
    const A = perToken ? (adv[k] as number) : aRow;
    const delta = (lp[k] as number) - (old[k] as number);
    const chk = delta + A;
    if (chk - chk !== 0) throwFirstBadInput(fn, a);
    let d = delta;
    let live = 1;
    if (!(delta < C)) {
      d = C;
      live = 0;
    } else if (!(delta > -C)) {
      d = -C;
      live = 0;
    }
    const r = fastExp(d);
    const tau = A > 0 ? tp : tn;
    const x = tau * (r - 1);
    // sigmoid without overflow: x >= 0 ? 1 / (1 + e^-x) : e^x / (1 + e^x)
    let s: number;
    if (x >= 0) s = 1 / (1 + fastExp(-x));
    else {
      const e = fastExp(x);
      s = e / (1 + e);
    }
    sum += (-A * s * 4) / tau;
    kl -= d;
    // sigma (1 - sigma) rho -> 0 as rho -> Infinity: no 0 * Infinity past exp's range
    const s1 = 1 - s;
    if (grad !== null) grad[k] = checkedGrad(fn, s1 === 0 ? 0 : -A * 4 * s * s1 * r * live * w, k, T, o);
  }
  acc.kl += kl;
  return sum;
}

/** `x *= s` in place. @internal */
export function scaleInPlace(x: Float32Array, s: number): void {
  if (s === 1) return;
  for (let k = 0; k < x.length; k++) x[k] = (x[k] as number) * s;
}

/** `out = x * s`. @internal */
export function scaleInto(x: Float32Array, s: number, out: Float32Array): void {
  for (let k = 0; k < x.length; k++) out[k] = (x[k] as number) * s;
}
