import * as tf from '@tensorflow/tfjs-core';
import { unaryCustomGrad } from './_custom-grad.js';
import { registerGradients } from '../../backends/ensure-gradients.js';
import { POLICY_LOSS_OPTION_KEYS, resolvePolicyLossOptionsWith } from '../arrays/resolve-policy-loss-options.js';
import type { PolicyLossOptions, ResolvedPolicyLossOptions } from '../types.js';
import { assertFloat, assertShape, assertTensor, maskToFloat, shapeText, tapeIsRecording } from './_check.js';
import { composedPolicyLoss, type PolicyLossTensors } from './_composed-policy-loss.js';
import { POLICY_LOSS, POLICY_LOSS_GRAD, SCALE_BY_FIRST } from './_kernels/names.js';
import { STAT, throwFirstBadInput, throwPolicyOverflow, type PolicyLossArrays } from './_kernels/policy-loss-math.js';
import { fusedStyle, hasFusedKernel } from './_kernels/registry.js';
import { aliasOf, attachToTape, tapeAttachable } from './_tape.js';
import { resolveValidate, valuesOf } from './_validate.js';

const TENSOR_POLICY_LOSS_OPTION_KEYS = [...POLICY_LOSS_OPTION_KEYS, 'validate'];

/** The tensors of {@link policyLoss}. */
export interface PolicyLossInputs {
  /** float32 `[B, T]`: log-probabilities of the sampled tokens under the current policy (the gradient flows to these). */
  readonly logProbs: tf.Tensor;
  /** float32 `[B, T]`: the same under the policy that sampled them (constant). */
  readonly oldLogProbs: tf.Tensor;
  /** float32 `[B]` (one per sequence, broadcast over its tokens) or `[B, T]` (constant). */
  readonly advantages: tf.Tensor;
  /** `[B, T]` of 0 and 1 (float32, int32 or bool): which tokens count. */
  readonly mask: tf.Tensor;
}

/** {@link PolicyLossOptions} plus what only the tensor version has. */
export interface PolicyLossTensorOptions extends PolicyLossOptions {
  /**
   * Check the values (default true; false on webgpu): a mask value other than 0/1, NaN / ±Infinity in an input
   * at a valid (mask 1) position, or a loss, metric or gradient that overflows float32 (e.g.
   * `logRatioClamp: null` and a log-ratio above 88) throws a RangeError naming the array and
   * the first bad position, as `policyLossArray` does. Positions where the mask is 0 are never
   * looked at. On the cpu and wasm backends the fused kernel checks while it computes, at no
   * cost, whatever this option says. On other backends the check reads the stats (7 numbers)
   * back to the host once: a GPU sync. `false` skips that read: a bad input then makes the loss
   * and (webgpu) the whole gradient NaN, an overflow makes them ±Infinity or NaN, never a
   * plausible number. On webgpu the default is `false` (a synchronous read per call would
   * stall the GPU queue, and tfjs cannot do it in Node), so there a bad value poisons the
   * loss and gradient with NaN; `true` is honoured where the backend can read synchronously.
   */
  readonly validate?: boolean | undefined;
}

/**
 * The metrics of {@link policyLoss} as float32 Scalars on the active backend, so that reading
 * them is up to you: on a GPU each read is a sync, and {@link readPolicyLossMetrics} reads
 * them all in one. See `PolicyLossMetrics` for what each one is.
 */
export interface PolicyLossTensorMetrics {
  /** Share of valid tokens that were clipped (verl `pg_clipfrac`). */
  readonly clipFraction: tf.Scalar;
  /** Share of valid tokens where the dual clip won (verl `pg_clipfrac_lower`). */
  readonly clipFractionLower: tf.Scalar;
  /** Masked mean of `logp_old - logp` (verl `ppo_kl`). */
  readonly approxKl: tf.Scalar;
  /** Number of valid tokens in this micro-batch; 0 means an empty mask (loss 0, metrics 0). */
  readonly tokens: tf.Scalar;
}

/** What {@link policyLoss} returns: dispose both (or call it inside `tf.tidy`). */
export interface PolicyLossResult {
  /** The aggregated loss, differentiable w.r.t. `logProbs`. */
  readonly loss: tf.Scalar;
  /** Diagnostics (no gradient). */
  readonly metrics: PolicyLossTensorMetrics;
}

let gradientsReady = false;

/** Checks the tensors' types and shapes; returns `[B, T]`. */
function checkInputs(fn: string, inputs: unknown): [number, number] {
  if (inputs === null || typeof inputs !== 'object') {
    throw new TypeError(`${fn}: argument 'inputs' must be an object { logProbs, oldLogProbs, advantages, mask }`);
  }
  const { logProbs, oldLogProbs, advantages, mask } = inputs as Record<string, unknown>;
  assertTensor(logProbs, fn, 'logProbs');
  assertFloat(logProbs, fn, 'logProbs');
  if (logProbs.rank !== 2) throw new RangeError(`${fn}: argument 'logProbs' must be [B, T], got shape ${shapeText(logProbs.shape)}`);
  const [B, T] = logProbs.shape as [number, number];
  const what = `logProbs of shape ${shapeText(logProbs.shape)}`;
  assertTensor(oldLogProbs, fn, 'oldLogProbs');
  assertFloat(oldLogProbs, fn, 'oldLogProbs');
  assertShape(oldLogProbs, [B, T], fn, 'oldLogProbs', what);
  assertTensor(advantages, fn, 'advantages');
  assertFloat(advantages, fn, 'advantages');
  if (advantages.rank === 1) assertShape(advantages, [B], fn, 'advantages', what);
  else if (advantages.rank === 2) assertShape(advantages, [B, T], fn, 'advantages', what);
  else {
    throw new RangeError(
      `${fn}: argument 'advantages' has shape ${shapeText(advantages.shape)}, but ${what} needs ${shapeText([B])} or ${shapeText([B, T])}`,
    );
  }
  assertTensor(mask, fn, 'mask');
  assertShape(mask, [B, T], fn, 'mask', what);
  return [B, T];
}

/**
 * The policy-gradient loss of a micro-batch, as verl computes it: one of the per-token losses
 * `'ppo'` (clip + dual clip), `'gspo'`, `'cispo'`, `'reinforce'` or `'sapo'`, aggregated by
 * one of the four modes (`'token-mean'`, ...) with optional global denominators, plus verl's
 * metrics. Formulas and defaults: `PolicyLossOptions`; the plain-array twin is
 * `policyLossArray`. The gradient flows to `logProbs` only (the other inputs are constants,
 * as in verl); stop-gradients (GSPO's sequence ratio, CISPO's weight) are respected.
 *
 * Fused: on cpu and wasm the forward pass is one JavaScript kernel (a pass over the mask for
 * the counts, then one over the rows) that computes the loss, the metrics and, when a gradient
 * tape records (`tf.grad`, `optimizer.minimize`), the closed-form gradient per token; the
 * backward pass only multiplies it by the incoming gradient, in place, or hands it over as is
 * when that is 1. On webgpu, WGSL kernels compute the loss and metrics (one workgroup per row)
 * and the backward pass is one elementwise kernel that recomputes the closed form, scaled by
 * the incoming gradient on the GPU (no host round trip). Other backends compose tfjs ops
 * (same results). Sums are in float64 (cpu, wasm), tree-reduced (webgpu) or in chunks of 1024
 * (composed). No second derivatives.
 *
 * An all-zero mask gives a loss of 0 and metrics of 0 with `tokens` 0, never NaN. Nothing
 * non-finite comes out silently: see {@link PolicyLossTensorOptions.validate}. An option key
 * it does not know (`clip_ratio`, `clipRatioHigh`) throws, naming the nearest valid one,
 * rather than running with the default.
 *
 * @param inputs - `{ logProbs, oldLogProbs, advantages, mask }`, see {@link PolicyLossInputs}.
 * @param options - Loss, clip ranges, aggregation, normalizer, ...; see `PolicyLossOptions`
 *   and {@link PolicyLossTensorOptions.validate}.
 * @returns `{ loss, metrics }`, Scalars on the active backend.
 * @throws TypeError when an input is not a tensor, has the wrong dtype, an option has the wrong
 *   type or an unknown key, or (webgpu in Node) the check cannot read back.
 * @throws RangeError when a shape does not fit (the message names the argument and both shapes),
 *   an option is out of range, or (see `validate`) an input holds a bad value or a result
 *   overflows.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { policyLoss, readPolicyLossMetrics } from 'srl-kit/ops';
 * const logProbs = tf.variable(tf.tensor2d([[-1.0, -0.5], [-2.0, -0.1]]));
 * const inputs = {
 *   oldLogProbs: tf.tensor2d([[-1.1, -0.5], [-1.5, -0.1]]),
 *   advantages: tf.tensor1d([1, -1]),
 *   mask: tf.tensor2d([[1, 1], [1, 0]]),
 * };
 * const { loss, metrics } = policyLoss({ logProbs, ...inputs }, { loss: 'ppo', clipHigh: 0.28 });
 * loss.print(); // -0.4350570 = (-1.1051709 - 1 + 0.8) / 3: token (1, 0) is clipped at 0.8
 * await readPolicyLossMetrics(metrics);
 * //=> { clipFraction: 0.3333333, clipFractionLower: 0, approxKl: 0.1333333, tokens: 3, emptyMask: false }
 * tf.grad((lp: tf.Tensor) => policyLoss({ logProbs: lp, ...inputs }).loss)(logProbs).print();
 * // [[-0.3683903, -0.3333333], [0, 0]]
 * policyLoss({ logProbs, ...inputs }, { clip_ratio: 0.2 } as never);
 * // TypeError: policyLoss: unknown option 'clip_ratio' in 'options' (did you mean 'clipLow'?); ...
 * ```
 */
export function policyLoss(inputs: PolicyLossInputs, options?: PolicyLossTensorOptions): PolicyLossResult {
  const fn = 'policyLoss';
  const [B, T] = checkInputs(fn, inputs);
  const o = resolvePolicyLossOptionsWith(options, fn, TENSOR_POLICY_LOSS_OPTION_KEYS);
  const validate = resolveValidate(options?.validate, fn);
  if (!gradientsReady) {
    registerGradients(tf); // tf.unstack below needs Unpack's gradient
    gradientsReady = true;
  }
  return tf.tidy(() => {
    const t: PolicyLossTensors = {
      logProbs: inputs.logProbs as tf.Tensor2D,
      oldLogProbs: inputs.oldLogProbs as tf.Tensor2D,
      advantages: inputs.advantages,
      mask: maskToFloat(inputs.mask, fn) as tf.Tensor2D,
    };
    const needGrad = tapeIsRecording();
    const style = fusedStyle(POLICY_LOSS);
    const attrs = { fn, options: o as never, needGrad };
    const alias = needGrad && style === 'host' && tf.getBackend() === 'wasm' && tapeAttachable();
    let gradAlias: tf.Tensor | null = null;
    const forward = (lp: tf.Tensor, save: tf.GradSaveFunc) => {
      const kernelInputs = { logProbs: lp, oldLogProbs: t.oldLogProbs, advantages: t.advantages, mask: t.mask };
      if (style === 'rows') {
        // [stats, per-row numbers]; the backward kernel recomputes the gradient from the inputs
        const [stats, rowInfo] = tf.engine().runKernel(POLICY_LOSS, kernelInputs, attrs) as [tf.Tensor, tf.Tensor];
        if (needGrad) save([lp, t.oldLogProbs, t.advantages, t.mask, rowInfo]);
        return {
          value: stats,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const [logProbs, oldLogProbs, advantages, mask, rows] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
            return tf.engine().runKernel(POLICY_LOSS_GRAD, { dy, logProbs, oldLogProbs, advantages, mask, rowInfo: rows }, attrs) as tf.Tensor;
          },
        };
      }
      const [stats, grad] =
        style === 'host'
          ? (tf.engine().runKernel(POLICY_LOSS, kernelInputs, attrs) as [tf.Tensor, tf.Tensor])
          : composedPolicyLoss({ ...t, logProbs: lp as tf.Tensor2D }, o, needGrad, validate);
      if (needGrad) {
        // tfjs-wasm's clone (what save does) copies: attach an alias after the call instead
        if (alias) {
          save([]);
          gradAlias = aliasOf(grad);
        } else save([grad]);
      }
      return { value: stats, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => scaleByFirst(dy, saved[saved.length - 1] as tf.Tensor) };
    };
    const stats = unaryCustomGrad(forward, t.logProbs);
    if (gradAlias !== null) attachToTape(stats, gradAlias);
    // the host kernels check while they compute; the others count, and the stats are read here
    if (style !== 'host' && validate) checkStats(fn, Array.from(valuesOf(stats)), t, o, B, T);
    const s = tf.unstack(stats) as tf.Scalar[];
    return {
      loss: s[STAT.loss] as tf.Scalar,
      metrics: {
        clipFraction: s[STAT.clipFraction] as tf.Scalar,
        clipFractionLower: s[STAT.clipFractionLower] as tf.Scalar,
        approxKl: s[STAT.approxKl] as tf.Scalar,
        tokens: s[STAT.tokens] as tf.Scalar,
      },
    };
  });
}

/**
 * Throws for what the stats of the GPU kernels or the composed ops count or hold: a bad input
 * (the inputs are read back to name the first), a loss or metric that does not fit float32,
 * or a gradient that does not.
 */
function checkStats(fn: string, stats: ArrayLike<number>, t: PolicyLossTensors, o: ResolvedPolicyLossOptions, B: number, T: number): void {
  const finite = [STAT.loss, STAT.clipFraction, STAT.clipFractionLower, STAT.approxKl, STAT.tokens].every((i) => {
    const v = stats[i] as number;
    return v - v === 0;
  });
  const bad = stats[STAT.bad] as number;
  if (finite && bad === 0 && (stats[STAT.overflow] as number) === 0) return;
  const arrays: PolicyLossArrays = {
    logProbs: Float32Array.from(valuesOf(t.logProbs)),
    oldLogProbs: Float32Array.from(valuesOf(t.oldLogProbs)),
    advantages: Float32Array.from(valuesOf(t.advantages)),
    mask: Float32Array.from(valuesOf(t.mask)),
    B,
    T,
  };
  if (bad !== 0) throwFirstBadInput(fn, arrays);
  throwPolicyOverflow(fn, arrays, o, stats);
  throw new RangeError(`${fn}: the loss or a metric is not finite (${Array.from(stats).join(', ')})`);
}

/**
 * `x * dy[0]`: the backward pass of the loss (its value is entry 0 of the stats vector). In
 * place on the fused backends.
 * @internal
 */
function scaleByFirst(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (hasFusedKernel(SCALE_BY_FIRST)) return tf.engine().runKernel(SCALE_BY_FIRST, { dy, x }, {}) as tf.Tensor;
  return tf.mul(x, tf.slice(dy, [0], [1]));
}
