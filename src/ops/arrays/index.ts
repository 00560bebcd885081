/**
 * The forward computations of `srl-kit/ops` on plain arrays (Float32Array, Float64Array or
 * number[]), for users without tfjs: policy losses, loss aggregation, KL penalties, token
 * log-probabilities and entropies. Every sum is accumulated in float64.
 *
 * @module ops/arrays
 */
export { aggregateLossArray } from './aggregate-loss-array.js';
export { entropyFromLogitsArray } from './entropy-from-logits-array.js';
export { klPenaltyArray } from './kl-penalty-array.js';
export { policyLossArray, type PolicyLossArrayInputs, type PolicyLossArrayResult } from './policy-loss-array.js';
export { resolvePolicyLossOptions } from './resolve-policy-loss-options.js';
export { tokenLogProbsArray, type TokenIdArray } from './token-log-probs-array.js';
