/**
 * srl-kit: building blocks of Supervised Reinforcement Learning (Deng et al., 2025).
 *
 * Every module is also available on its own subpath (`srl-kit/reward`,
 * `srl-kit/trajectory`, `srl-kit/prompts`, `srl-kit/advantage`, `srl-kit/ops`,
 * `srl-kit/backends`, `srl-kit/io`), and importing one has no side effects. The root
 * re-exports what runs anywhere without optional packages: the tensor ops
 * (`srl-kit/ops`) and backends (`srl-kit/backends`) need tfjs, and `srl-kit/io`
 * (files and streams) is Node-only; each has its own entry point. The plain-array
 * versions of the ops are in the root too.
 *
 * @packageDocumentation
 */
export * from './reward/index.js';
export * from './trajectory/index.js';
export * from './prompts/index.js';
export * from './advantage/index.js';
export type * from './ops/types.js';
export * from './ops/arrays/index.js';
