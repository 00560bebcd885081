import * as tf from '@tensorflow/tfjs-core';
import type { PolicyLossMetrics } from '../types.js';
import { assertTensor } from './_check.js';
import type { PolicyLossTensorMetrics } from './policy-loss.js';

/**
 * Reads the metrics of {@link policyLoss} back to the host in one transfer (one GPU sync
 * instead of four) and returns them as plain numbers, with `emptyMask` derived from `tokens`.
 * Does not dispose the Scalars.
 *
 * @param metrics - `policyLoss(...).metrics`.
 * @returns `{ clipFraction, clipFractionLower, approxKl, tokens, emptyMask }`.
 * @throws TypeError when a field is not a tensor.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { policyLoss, readPolicyLossMetrics } from 'srl-kit/ops';
 * const { loss, metrics } = policyLoss({ logProbs, oldLogProbs, advantages, mask });
 * const m = await readPolicyLossMetrics(metrics);
 * //=> { clipFraction: 0.0312, clipFractionLower: 0.0024, approxKl: 0.0011, tokens: 812, emptyMask: false }
 * tf.dispose([loss, ...Object.values(metrics)]);
 * ```
 */
export async function readPolicyLossMetrics(metrics: PolicyLossTensorMetrics): Promise<PolicyLossMetrics> {
  const fn = 'readPolicyLossMetrics';
  const names = ['clipFraction', 'clipFractionLower', 'approxKl', 'tokens'] as const;
  for (const name of names) assertTensor((metrics as unknown as Record<string, unknown>)[name], fn, `metrics.${name}`);
  const packed = tf.tidy(() => tf.stack(names.map((name) => tf.reshape(metrics[name], []))));
  const values = await packed.data();
  packed.dispose();
  const [clipFraction, clipFractionLower, approxKl, tokens] = Array.from(values) as [number, number, number, number];
  return { clipFraction, clipFractionLower, approxKl, tokens, emptyMask: tokens === 0 };
}
