import { assertOptions } from '../../_lib/assert.js';
import type { MaskArray, NumberArray, PolicyLossMetrics, PolicyLossOptions, ResolvedPolicyLossOptions } from '../types.js';
import { assertNumberArray, at, checkArray, checkShape2, nonFinite, policyOverflowHint, readMask, shapeText } from './_check.js';
import { aggregateChecked } from './aggregate-loss-array.js';
import { resolvePolicyLossOptions } from './resolve-policy-loss-options.js';

/** The inputs of {@link policyLossArray}: flat, row-major arrays. */
export interface PolicyLossArrayInputs {
  /** log pi_theta of the sampled tokens, `[B, T]`. */
  readonly logProbs: NumberArray;
  /** log pi_old of the same tokens (the policy that sampled them), `[B, T]`. */
  readonly oldLogProbs: NumberArray;
  /** One advantage per rollout `[B]` (broadcast over its tokens), or one per token `[B, T]`. */
  readonly advantages: NumberArray;
  /** 1 for tokens that count, 0 for padding / prompt / tool output, `[B, T]`. */
  readonly mask: MaskArray;
  /** `[B, T]`. */
  readonly shape: readonly [number, number];
}

/** What {@link policyLossArray} returns. */
export interface PolicyLossArrayResult {
  /** The aggregated loss (0 when the mask is empty). */
  readonly loss: number;
  /** Diagnostics over the valid tokens. */
  readonly metrics: PolicyLossMetrics;
  /** The per-token loss before aggregation, `[B, T]`; 0 wherever the mask is 0. */
  readonly perToken: Float64Array;
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Mutable per-token outcome, reused across tokens so the loop allocates nothing. */
interface Outcome {
  value: number;
  clipped: boolean;
  dualWon: boolean;
}

/** The PPO clip of ratio `r` with advantage `a`, plus the dual clip (A < 0 only). */
function clipSurrogate(o: ResolvedPolicyLossOptions, a: number, r: number, out: Outcome): void {
  const lo = 1 - o.clipLow;
  const hi = 1 + o.clipHigh;
  const pg1 = -a * r;
  const pg2 = -a * Math.min(Math.max(r, lo), hi);
  const c1 = Math.max(pg1, pg2);
  out.clipped = pg2 > pg1;
  out.dualWon = false;
  out.value = c1;
  if (o.dualClip !== null && a < 0) {
    const pg3 = -a * o.dualClip;
    out.dualWon = c1 > pg3;
    out.value = Math.min(c1, pg3);
  }
}

/**
 * A policy-gradient loss on plain arrays, the forward computation of the tensor op:
 * PPO clip (`'ppo'`, with DAPO clip-higher and the dual clip), GSPO's sequence ratio
 * (`'gspo'`), CISPO (`'cispo'`), REINFORCE / GPG (`'reinforce'`) or SAPO (`'sapo'`), then
 * aggregated with one of the four verl modes and optional global denominators. Formulas and
 * defaults: `PolicyLossOptions` (they follow verl's `core_algos.py`; TRL's variants are
 * options). Sums are accumulated in float64 whatever the input type.
 *
 * Only positions where `mask` is 1 are read for the loss: padding may hold anything,
 * `-Infinity` included. A NaN or infinite value at a valid position throws, naming the array
 * and the index, and so does a loss or metric that overflows (e.g. `logRatioClamp: null`
 * and a log-ratio above 709): nothing non-finite is ever returned. An all-zero mask gives
 * loss 0 and `metrics.emptyMask: true`. An option key it does not know throws (naming the
 * nearest valid one) rather than being ignored.
 *
 * @param inputs - Log-probs, old log-probs, advantages, mask and `[B, T]` shape.
 * @param options - Which loss, clip ranges, aggregation, normalizer, ...
 * @returns The loss, the metrics and the per-token losses.
 * @throws TypeError when an argument or option has the wrong type or an unknown value, or an
 *   option key is unknown (`clip_ratio`: "did you mean 'clipLow'?").
 * @throws RangeError when a length does not match the shape (the message names both), a mask
 *   value is not 0/1, a value at a valid position is NaN or infinite, an option is out of
 *   range, or the loss or a metric overflows.
 * @example
 * ```ts
 * import { policyLossArray } from 'srl-kit/ops';
 * const r = policyLossArray({
 *   logProbs: [Math.log(0.5), Math.log(0.9)],
 *   oldLogProbs: [Math.log(0.25), Math.log(0.9)],
 *   advantages: [1],          // one rollout, broadcast over its 2 tokens
 *   mask: [1, 1],
 *   shape: [1, 2],
 * });
 * r.loss;                  //=> -1.1 (token-mean of -1.2 (ratio 2 clipped at 1.2) and -1)
 * r.metrics.clipFraction;  //=> 0.5
 * r.perToken;              //=> Float64Array [-1.2, -1]
 * ```
 */
export function policyLossArray(inputs: PolicyLossArrayInputs, options?: PolicyLossOptions): PolicyLossArrayResult {
  const fn = 'policyLossArray';
  assertOptions(inputs, fn, 'inputs');
  const { logProbs, oldLogProbs, advantages, mask, shape } = inputs;
  const [rows, cols] = checkShape2(shape, fn, ['B', 'T'], 0, 'shape');
  const n = rows * cols;
  const expected = `shape ${shapeText([rows, cols])}`;
  checkArray(logProbs, n, fn, 'logProbs', expected);
  checkArray(oldLogProbs, n, fn, 'oldLogProbs', expected);
  assertNumberArray(advantages, fn, 'advantages');
  let perTokenAdvantages: boolean;
  if (advantages.length === rows) perTokenAdvantages = false;
  else if (advantages.length === n) perTokenAdvantages = true;
  else {
    throw new RangeError(
      `${fn}: argument 'advantages' has shape [${advantages.length}] (flat), but ${expected} needs [${rows}] (one per rollout) or ${n} elements ([${rows}, ${cols}], one per token)`,
    );
  }
  const m = readMask(mask, rows, cols, fn, 'mask', expected);
  const o = resolvePolicyLossOptions(options, fn);
  const clamp = o.logRatioClamp;
  const seqMax = o.sequenceLogRatioMax;

  const perToken = new Float64Array(n);
  const out: Outcome = { value: 0, clipped: false, dualWon: false };
  let tokens = 0;
  let clipped = 0;
  let dualWon = 0;
  let klSum = 0;

  for (let i = 0; i < rows; i++) {
    const rowStart = i * cols;
    const rowEnd = rowStart + cols;
    // read and check the row's valid values; GSPO needs the row's mean log-ratio first
    let rowTokens = 0;
    let rowDeltaSum = 0;
    for (let k = rowStart; k < rowEnd; k++) {
      if (m[k] !== 1) continue;
      const lp = logProbs[k] as number;
      const olp = oldLogProbs[k] as number;
      if (!Number.isFinite(lp)) nonFinite(fn, at('logProbs', k, cols), lp);
      if (!Number.isFinite(olp)) nonFinite(fn, at('oldLogProbs', k, cols), olp);
      const a = (perTokenAdvantages ? advantages[k] : advantages[i]) as number;
      if (!Number.isFinite(a)) {
        nonFinite(fn, perTokenAdvantages ? at('advantages', k, cols) : `advantages[${i}]`, a, 'advantages of rows with a valid token must be finite');
      }
      rowTokens++;
      rowDeltaSum += lp - olp;
    }
    if (rowTokens === 0) continue;
    tokens += rowTokens;
    // GSPO: r = exp(min(s_i, sequenceLogRatioMax)), s_i = mean valid log-ratio of the row
    let seqRatio = 1;
    if (o.loss === 'gspo') {
      const s = rowDeltaSum / rowTokens;
      seqRatio = Math.exp(seqMax === null ? s : Math.min(s, seqMax));
    }
    for (let k = rowStart; k < rowEnd; k++) {
      if (m[k] !== 1) continue;
      const lp = logProbs[k] as number;
      const delta = lp - (oldLogProbs[k] as number);
      const a = (perTokenAdvantages ? advantages[k] : advantages[i]) as number;
      let value: number;
      if (o.loss === 'gspo' || o.loss === 'reinforce') {
        klSum -= delta;
      }
      switch (o.loss) {
        case 'gspo':
          clipSurrogate(o, a, seqRatio, out);
          value = out.value;
          if (out.clipped) clipped++;
          if (out.dualWon) dualWon++;
          break;
        case 'reinforce':
          value = -a * lp;
          break;
        default: {
          const d = clamp === null ? delta : Math.min(Math.max(delta, -clamp), clamp);
          klSum -= d;
          const rho = Math.exp(d);
          if (o.loss === 'ppo') {
            clipSurrogate(o, a, rho, out);
            value = out.value;
            if (out.clipped) clipped++;
            if (out.dualWon) dualWon++;
          } else if (o.loss === 'cispo') {
            const hi = 1 + o.clipHigh;
            const w = o.cispoClip === 'two-sided' ? Math.min(Math.max(rho, 1 - o.clipLow), hi) : Math.min(rho, hi);
            if (w !== rho) clipped++;
            value = -w * a * lp;
          } else {
            const tau = a > 0 ? o.sapoTau.positive : o.sapoTau.negative;
            value = (-a * sigmoid(tau * (rho - 1)) * 4) / tau;
          }
        }
      }
      perToken[k] = value;
    }
  }

  const loss = aggregateChecked(perToken, m, rows, cols, o.aggregation, o.normalizer);
  if (!Number.isFinite(loss)) {
    // only reachable with extreme inputs (e.g. logRatioClamp null and a log-ratio > 709)
    let first = '';
    for (let k = 0; k < n; k++) {
      if (!Number.isFinite(perToken[k] as number)) {
        first = ` (the first non-finite per-token loss: ${at('perToken', k, cols)} = ${String(perToken[k])})`;
        break;
      }
    }
    throw new RangeError(`${fn}: the loss overflowed to ${String(loss)}${first}; ${policyOverflowHint(o)}`);
  }
  const approxKl = tokens > 0 ? klSum / tokens : 0;
  if (!Number.isFinite(approxKl)) {
    throw new RangeError(`${fn}: metric 'approxKl' overflowed to ${String(approxKl)}; check the scale of the log-probs`);
  }
  return {
    loss,
    metrics: {
      clipFraction: tokens > 0 ? clipped / tokens : 0,
      clipFractionLower: tokens > 0 ? dualWon / tokens : 0,
      approxKl,
      tokens,
      emptyMask: tokens === 0,
    },
    perToken,
  };
}
