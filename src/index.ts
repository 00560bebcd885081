/**
 * srl-kit: building blocks of Supervised Reinforcement Learning (Deng et al., 2025).
 *
 * Every module is also available on its own subpath (`srl-kit/reward`,
 * `srl-kit/trajectory`, `srl-kit/prompts`, `srl-kit/io`), and importing one has no
 * side effects. The root re-exports the modules that run anywhere; `srl-kit/io`
 * (files and streams) is Node-only and has its own entry point.
 *
 * @packageDocumentation
 */
export * from './reward/index.js';
export * from './trajectory/index.js';
export * from './prompts/index.js';
