/**
 * srl-kit: building blocks of Supervised Reinforcement Learning (Deng et al., 2025).
 *
 * Every module is also available on its own subpath (`srl-kit/reward`, ...), and
 * importing one has no side effects.
 *
 * @packageDocumentation
 */
export * from './reward/index.js';
