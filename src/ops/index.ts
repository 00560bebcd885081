/**
 * Policy-loss ops (paper §4, formulas of verl, TRL and OpenRLHF): token
 * log-probabilities, entropies, the PPO / GSPO / CISPO / REINFORCE / SAPO losses with
 * clip-higher, dual clip and the four aggregations, KL penalties.
 *
 * Import from `srl-kit/ops`. The tensor versions are differentiable tfjs-core ops, fused
 * per backend (cpu, wasm, webgpu): they need `@tensorflow/tfjs-core` (an optional peer
 * dependency) and a backend (see `srl-kit/backends`). The same forward computations on
 * plain arrays (`policyLossArray`, ...) need no tensor library and are also exported from
 * `srl-kit` itself.
 *
 * @module ops
 */
export type * from './types.js';
export * from './arrays/index.js';
export * from './tensor/index.js';
