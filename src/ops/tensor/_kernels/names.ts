/**
 * Names of the fused kernels srl-kit registers with tfjs (`registerKernel`), per backend.
 * The prefix keeps them apart from tfjs's own kernels.
 * @internal
 * @module
 */

/** Fused policy loss: inputs `{ logProbs, oldLogProbs, advantages, mask }` → `[stats [6], grad]`. @internal */
export const POLICY_LOSS = 'SrlKitPolicyLoss';
/** `x * dy[0]`: inputs `{ dy, x }` (in place when `x` is not shared). @internal */
export const SCALE_BY_FIRST = 'SrlKitScaleByFirst';
/** Fused log-softmax + gather: inputs `{ logits [N, V], ids [N] }` → `[logProbs [N], grad [N, V]]`. @internal */
export const TOKEN_LOG_PROBS = 'SrlKitTokenLogProbs';
/** Fused entropy: inputs `{ logits [N, V] }` → `[entropy [N], grad [N, V]]`. @internal */
export const ENTROPY = 'SrlKitEntropy';
/** `x[n, :] * dy[n]`: inputs `{ dy [N], x [N, V] }` (in place when `x` is not shared). @internal */
export const SCALE_ROWS = 'SrlKitScaleRows';


// GPU style (webgpu): the forward kernels return numbers per row instead of the gradient,
// and these backward kernels recompute the gradient in one elementwise pass.

/** Inputs `{ dy [6], logProbs, oldLogProbs, advantages, mask, rowInfo }` → d loss / d logProbs. @internal */
export const POLICY_LOSS_GRAD = 'SrlKitPolicyLossGrad';
/** Inputs `{ dy [N], logits, rowInfo, ids }` → d / d logits. @internal */
export const TOKEN_LOG_PROBS_GRAD = 'SrlKitTokenLogProbsGrad';
/** Inputs `{ dy [N], logits, rowInfo }` → d / d logits. @internal */
export const ENTROPY_GRAD = 'SrlKitEntropyGrad';
