import { assertOptions } from '../../_lib/assert.js';
import { describeType } from '../../_lib/describe.js';
import { assertKnownKeys } from '../../_lib/options.js';
import type { KlEstimator, KlOptions, NumberArray } from '../types.js';
import { assertNumberArray, checkPositive, nonFinite } from './_check.js';

const ESTIMATORS: readonly KlEstimator[] = ['k1', 'k2', 'k3', 'abs'];
/** The keys of `KlOptions`. @internal */
export const KL_OPTION_KEYS: readonly string[] = ['clamp'];

/**
 * Throws the RangeError for a KL value that overflowed: the estimator, the position (`where`,
 * e.g. `[3]` or `[1, 2] (flat index 7)`), the value and Delta. @internal
 */
export function klOverflow(fn: string, estimator: KlEstimator, clamp: number | null, where: string, value: number, delta: number): never {
  const hint = estimator === 'k3' && clamp === null ? 'set clamp (verl: 10) or check the log-probs' : 'check the scale of the log-probs';
  throw new RangeError(
    `${fn}: the ${estimator} value at ${where} overflowed to ${String(value)} (Delta = logProbs - refLogProbs = ${String(delta)}); ${hint}`,
  );
}

/**
 * Per-token KL estimate between the policy and a reference policy, with
 * Delta = logp - logp_ref (verl `kl_penalty`): `'k1'` Delta, `'k2'` Delta^2 / 2, `'abs'`
 * |Delta|, `'k3'` `exp(-Delta) - 1 + Delta` (Schulman's low-variance estimator). For k3,
 * verl clamps `-Delta` to [-20, 20] and the result to [-10, 10]: that is the default
 * (`clamp: 10`); `clamp: null` computes it unclamped, as TRL. Computed in float64.
 *
 * Every value must be finite (this op has no mask: fill padding with 0), and a value that
 * overflows (k3 without a clamp and Delta below -709, say) throws, naming its position; an
 * option key it does not know throws too, naming the nearest valid one.
 *
 * Aggregate the result with `aggregateLossArray` and add `beta *` it to the loss (verl
 * `kl_loss_coef` 0.001, TRL `beta` 0, SRL paper 0), or subtract it from token rewards.
 *
 * @param logProbs - log pi_theta per token (flat, any length).
 * @param refLogProbs - log pi_ref of the same tokens (same length).
 * @param estimator - `'k1'`, `'k2'`, `'k3'` or `'abs'`.
 * @param options - `clamp` (k3 only): the result bound, default 10, `null` for none.
 * @returns One value per token.
 * @throws TypeError when an argument has the wrong type, the estimator is unknown, or
 *   `options` has an unknown key.
 * @throws RangeError when the lengths differ (the message names both), a value is NaN or
 *   infinite (fill padding with 0 and mask it later), `clamp` is not a number > 0, or a
 *   value overflows.
 * @example
 * ```ts
 * import { klPenaltyArray } from 'srl-kit/ops';
 * klPenaltyArray([-1, -2], [-1.5, -2], 'k1');  //=> Float64Array [0.5, 0]
 * klPenaltyArray([-1, -2], [-1.5, -2], 'k2');  //=> Float64Array [0.125, 0]
 * klPenaltyArray([0], [-30], 'k3')[0];                  //=> 10 (verl's clamp)
 * klPenaltyArray([0], [-30], 'k3', { clamp: null })[0];  //=> 29.000000000000092
 * ```
 */
export function klPenaltyArray(
  logProbs: NumberArray,
  refLogProbs: NumberArray,
  estimator: KlEstimator,
  options?: KlOptions,
): Float64Array {
  const fn = 'klPenaltyArray';
  assertNumberArray(logProbs, fn, 'logProbs');
  assertNumberArray(refLogProbs, fn, 'refLogProbs');
  if (logProbs.length !== refLogProbs.length) {
    throw new RangeError(
      `${fn}: argument 'refLogProbs' has shape [${refLogProbs.length}], but 'logProbs' has shape [${logProbs.length}]; they must match`,
    );
  }
  if (typeof estimator !== 'string' || !(ESTIMATORS as readonly string[]).includes(estimator)) {
    const got = typeof estimator === 'string' ? JSON.stringify(estimator) : describeType(estimator);
    throw new TypeError(`${fn}: argument 'estimator' must be one of 'k1', 'k2', 'k3', 'abs', got ${got}`);
  }
  assertOptions(options, fn);
  assertKnownKeys(options, KL_OPTION_KEYS, fn);
  const rawClamp = options?.clamp;
  const clamp = rawClamp === undefined ? 10 : rawClamp === null ? null : checkPositive(rawClamp, fn, 'clamp');
  const out = new Float64Array(logProbs.length);
  for (let k = 0; k < out.length; k++) {
    const lp = logProbs[k] as number;
    const ref = refLogProbs[k] as number;
    if (!Number.isFinite(lp)) nonFinite(fn, `logProbs[${k}]`, lp, 'every value must be finite (fill padding with 0)');
    if (!Number.isFinite(ref)) nonFinite(fn, `refLogProbs[${k}]`, ref, 'every value must be finite (fill padding with 0)');
    const delta = lp - ref;
    switch (estimator) {
      case 'k1':
        out[k] = delta;
        break;
      case 'abs':
        out[k] = Math.abs(delta);
        break;
      case 'k2':
        out[k] = 0.5 * delta * delta;
        break;
      case 'k3': {
        // verl: x = ref - logp, clamp x to [-20, 20], exp(x) - x - 1, clamp to [-c, c]
        const raw = ref - lp;
        if (clamp === null) {
          out[k] = Math.exp(raw) - raw - 1;
        } else {
          const x = Math.min(Math.max(raw, -20), 20);
          out[k] = Math.min(Math.max(Math.exp(x) - x - 1, -clamp), clamp);
        }
        break;
      }
    }
    if (!Number.isFinite(out[k] as number)) klOverflow(fn, estimator, clamp, `[${k}]`, out[k] as number, delta);
  }
  return out;
}
