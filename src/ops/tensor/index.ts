/**
 * The tfjs tensor versions of the `srl-kit/ops` computations: differentiable w.r.t. the
 * log-probabilities (or logits), on any tfjs backend, with fused kernels on cpu, wasm and
 * webgpu. They need `@tensorflow/tfjs-core` (an optional peer dependency) and a backend.
 *
 * @module ops/tensor
 */
export { tokenLogProbs } from './token-log-probs.js';
export type { LogitsOpOptions } from './token-log-probs.js';
export { entropyFromLogits } from './entropy-from-logits.js';
export { policyLoss } from './policy-loss.js';
export type {
  PolicyLossInputs,
  PolicyLossResult,
  PolicyLossTensorMetrics,
  PolicyLossTensorOptions,
} from './policy-loss.js';
export { readPolicyLossMetrics } from './read-policy-loss-metrics.js';
export { klPenalty } from './kl-penalty.js';
export type { KlPenaltyTensorOptions } from './kl-penalty.js';
export { aggregateLoss } from './aggregate-loss.js';
export type { AggregateLossOptions } from './aggregate-loss.js';
