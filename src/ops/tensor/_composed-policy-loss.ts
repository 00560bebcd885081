/**
 * The policy losses composed of tfjs ops, for backends without srl-kit's fused kernels:
 * the same values, metrics and closed-form gradient as the fused kernels, in float32, with
 * chunked sums. Masked positions are replaced by zeros before any arithmetic (`where`), so
 * whatever they hold never reaches a result.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossAggregation, LossNormalizer, ResolvedPolicyLossOptions } from '../types.js';
import { accurateRowSums, accurateSum } from './_sum.js';

/**
 * The aggregation weight of each row (d loss / d sum_t m L for that row), `[B]`, from the
 * row token counts `[B]` (float32): the tensor twin of the kernels' `rowWeights`.
 * @internal
 */
export function rowWeightsTensor(counts: tf.Tensor1D, T: number, mode: LossAggregation, normalizer: LossNormalizer): tf.Tensor1D {
  return tf.tidy(() => {
    const zeros = tf.zerosLike(counts);
    const nonEmpty = tf.greater(counts, 0);
    const S: tf.Tensor = normalizer.sequences !== undefined ? tf.scalar(normalizer.sequences) : tf.sum(tf.cast(nonEmpty, 'float32'));
    const safeS = tf.maximum(S, 1e-30);
    switch (mode) {
      case 'token-mean': {
        const D: tf.Tensor = normalizer.tokens !== undefined ? tf.scalar(normalizer.tokens) : tf.sum(counts);
        const w = tf.where(tf.greater(D, 0), tf.div(1, tf.maximum(D, 1e-30)), tf.scalar(0));
        return tf.add(zeros, w) as tf.Tensor1D;
      }
      case 'seq-mean-token-mean': {
        const w = tf.div(1, tf.mul(tf.maximum(counts, 1), safeS));
        return tf.where(tf.logicalAnd(nonEmpty, tf.greater(S, 0)), w, zeros) as tf.Tensor1D;
      }
      case 'seq-mean-token-sum': {
        const w = tf.where(tf.greater(S, 0), tf.div(1, safeS), tf.scalar(0));
        return tf.add(zeros, w) as tf.Tensor1D;
      }
      case 'seq-mean-token-sum-norm': {
        const K = normalizer.constant ?? T;
        const w = tf.where(tf.greater(S, 0), tf.div(1 / K, safeS), tf.scalar(0));
        return tf.add(zeros, w) as tf.Tensor1D;
      }
    }
  });
}

/** Inputs of the composed loss: `[B, T]` float32 (advantages `[B]` or `[B, T]`). @internal */
export interface PolicyLossTensors {
  readonly logProbs: tf.Tensor2D;
  readonly oldLogProbs: tf.Tensor2D;
  readonly advantages: tf.Tensor;
  readonly mask: tf.Tensor2D;
}

/** Count of mask values other than 0/1 plus valid positions with a non-finite input. */
function badCount(t: PolicyLossTensors): tf.Scalar {
  const { logProbs, oldLogProbs, mask } = t;
  const adv = advantages2d(t);
  const notBinary = tf.logicalAnd(tf.notEqual(mask, 0), tf.notEqual(mask, 1));
  // each input on its own: finite values whose sum overflows are not bad inputs
  const finite = tf.logicalAnd(tf.logicalAnd(tf.isFinite(logProbs), tf.isFinite(oldLogProbs)), tf.isFinite(adv));
  const nonFinite = tf.logicalAnd(tf.notEqual(mask, 0), tf.logicalNot(finite));
  return accurateSum(tf.cast(tf.logicalOr(notBinary, nonFinite), 'float32'));
}

function advantages2d(t: PolicyLossTensors): tf.Tensor2D {
  const [B, T] = t.logProbs.shape;
  return (t.advantages.rank === 1 ? tf.broadcastTo(tf.reshape(t.advantages, [B, 1]), [B, T]) : t.advantages) as tf.Tensor2D;
}

/**
 * `[stats [7], grad [B, T] or [0]]`, as the fused kernel (see `STAT` in `policy-loss-math.ts`);
 * with `validate`, the stats also count the bad inputs and the non-finite gradient values.
 * @internal
 */
export function composedPolicyLoss(
  t: PolicyLossTensors,
  o: ResolvedPolicyLossOptions,
  needGrad: boolean,
  validate = false,
): [tf.Tensor1D, tf.Tensor] {
  return tf.tidy(() => {
    const [, T] = t.logProbs.shape;
    const valid = tf.equal(t.mask, 1);
    const zeros = tf.zerosLike(t.logProbs);
    const lp = tf.where(valid, t.logProbs, zeros);
    const old = tf.where(valid, t.oldLogProbs, zeros);
    const A = tf.where(valid, advantages2d(t), zeros);
    const m = tf.cast(valid, 'float32');
    const counts = tf.sum(m, 1);
    const tokens = accurateSum(m);
    const w = tf.reshape(rowWeightsTensor(counts as tf.Tensor1D, T, o.aggregation, o.normalizer), [-1, 1]);
    const delta = tf.sub(lp, old);

    const parts = perToken(o, { lp, delta, A, m, counts: counts as tf.Tensor1D });
    const L = tf.mul(parts.L, m);
    // a mask value other than 0/1 makes the loss NaN (NaN inputs at valid positions propagate)
    const notBinary = accurateSum(tf.cast(tf.logicalAnd(tf.notEqual(t.mask, 0), tf.notEqual(t.mask, 1)), 'float32'));
    const loss = tf.where(tf.greater(notBinary, 0), tf.scalar(Number.NaN), accurateSum(tf.mul(L, w)));
    const share = (x: tf.Tensor | null): tf.Scalar =>
      x === null ? tf.scalar(0) : (tf.div(accurateSum(tf.mul(x, m)), tf.maximum(tokens, 1)) as tf.Scalar);
    const grad = needGrad ? tf.mul(tf.mul(parts.g, m), w) : tf.zeros([0]);
    const bad = validate ? badCount(t) : tf.scalar(0);
    const overflow = validate && needGrad ? tf.sum(tf.cast(tf.logicalNot(tf.isFinite(grad)), 'float32')) : tf.scalar(0);
    const stats = tf.stack([loss, share(parts.clipped), share(parts.lower), share(parts.klTerm), tokens, bad, overflow]);
    return [stats as tf.Tensor1D, grad];
  });
}

/** Per-token loss L, d L / d logp, clip indicators and the approx-KL term, before masking. */
interface PerToken {
  readonly L: tf.Tensor;
  readonly g: tf.Tensor;
  readonly clipped: tf.Tensor | null;
  readonly lower: tf.Tensor | null;
  readonly klTerm: tf.Tensor;
}

interface PerTokenInputs {
  readonly lp: tf.Tensor;
  readonly delta: tf.Tensor;
  readonly A: tf.Tensor;
  readonly m: tf.Tensor;
  readonly counts: tf.Tensor1D;
}

/** The clamped log-ratio and its `live` indicator (1 where the clamp did not bite). */
function clampDelta(delta: tf.Tensor, C: number | null): { d: tf.Tensor; live: tf.Tensor } {
  if (C === null) return { d: delta, live: tf.onesLike(delta) };
  const live = tf.cast(tf.logicalAnd(tf.greater(delta, -C), tf.less(delta, C)), 'float32');
  return { d: tf.clipByValue(delta, -C, C), live };
}

function perToken(o: ResolvedPolicyLossOptions, x: PerTokenInputs): PerToken {
  const { lp, delta, A, m, counts } = x;
  const f = (b: tf.Tensor): tf.Tensor => tf.cast(b, 'float32');
  switch (o.loss) {
    case 'ppo':
    case 'gspo': {
      let r: tf.Tensor;
      let live: tf.Tensor;
      let klTerm: tf.Tensor;
      if (o.loss === 'ppo') {
        const c = clampDelta(delta, o.logRatioClamp);
        r = tf.exp(c.d);
        live = c.live;
        klTerm = tf.neg(c.d);
      } else {
        const rowSum = accurateRowSums(tf.mul(delta, m) as tf.Tensor2D);
        let s: tf.Tensor = tf.div(rowSum, tf.maximum(counts, 1));
        live = tf.onesLike(s);
        if (o.sequenceLogRatioMax !== null) {
          live = f(tf.less(s, o.sequenceLogRatioMax));
          s = tf.minimum(s, o.sequenceLogRatioMax);
        }
        r = tf.reshape(tf.exp(s), [-1, 1]);
        live = tf.reshape(live, [-1, 1]);
        klTerm = tf.neg(delta);
      }
      const negA = tf.neg(A);
      const pg1 = tf.mul(negA, r);
      const pg2 = tf.mul(negA, tf.clipByValue(r, 1 - o.clipLow, 1 + o.clipHigh));
      const clippedB = tf.greater(pg2, pg1);
      let L = tf.maximum(pg1, pg2);
      let zeroGrad = clippedB;
      let lower: tf.Tensor | null = null;
      if (o.dualClip !== null) {
        const pg3 = tf.mul(negA, o.dualClip);
        const lowerB = tf.logicalAnd(tf.less(A, 0), tf.greater(L, pg3));
        L = tf.where(lowerB, pg3, L);
        zeroGrad = tf.logicalOr(zeroGrad, lowerB);
        lower = f(lowerB);
      }
      const g = tf.where(zeroGrad, tf.zerosLike(pg1), tf.mul(pg1, live));
      return { L, g, clipped: f(clippedB), lower, klTerm };
    }
    case 'cispo': {
      const c = clampDelta(delta, o.logRatioClamp);
      const r = tf.exp(c.d);
      const wt = o.cispoClip === 'two-sided' ? tf.clipByValue(r, 1 - o.clipLow, 1 + o.clipHigh) : tf.minimum(r, 1 + o.clipHigh);
      const g = tf.neg(tf.mul(wt, A));
      // where -w A overflows float32 the loss itself may fit: then A logp first
      const L = tf.where(tf.isFinite(g), tf.mul(g, lp), tf.neg(tf.mul(wt, tf.mul(A, lp))));
      return { L, g, clipped: f(tf.notEqual(wt, r)), lower: null, klTerm: tf.neg(c.d) };
    }
    case 'reinforce': {
      const g = tf.neg(A);
      return { L: tf.mul(g, lp), g, clipped: null, lower: null, klTerm: tf.neg(delta) };
    }
    case 'sapo': {
      const c = clampDelta(delta, o.logRatioClamp);
      // past rho = e^80, sigma is 1 and its derivative times rho 0 in float32: keep rho finite
      const r = tf.exp(tf.minimum(c.d, 80));
      const tau = tf.where(tf.greater(A, 0), tf.fill(A.shape, o.sapoTau.positive), tf.fill(A.shape, o.sapoTau.negative));
      const x = tf.mul(tau, tf.sub(r, 1));
      const s = tf.sigmoid(x);
      const L = tf.div(tf.mul(tf.mul(tf.neg(A), s), 4), tau);
      // s (1 - s) as sigmoid(x) sigmoid(-x): no cancellation where s is near 1
      const ds = tf.mul(s, tf.sigmoid(tf.neg(x)));
      const g = tf.mul(tf.mul(tf.mul(tf.mul(tf.neg(A), 4), ds), r), c.live);
      return { L, g, clipped: null, lower: null, klTerm: tf.neg(c.d) };
    }
  }
}
