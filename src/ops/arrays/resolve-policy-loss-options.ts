import { assertOptions } from '../../_lib/assert.js';
import { describeType } from '../../_lib/describe.js';
import { assertKnownKeys } from '../../_lib/options.js';
import type {
  CispoClip,
  LossAggregation,
  LossNormalizer,
  PolicyLossKind,
  PolicyLossOptions,
  ResolvedPolicyLossOptions,
} from '../types.js';
import { checkPositive } from './_check.js';

const LOSSES: readonly PolicyLossKind[] = ['ppo', 'gspo', 'cispo', 'reinforce', 'sapo'];
const AGGREGATIONS: readonly LossAggregation[] = [
  'token-mean',
  'seq-mean-token-mean',
  'seq-mean-token-sum',
  'seq-mean-token-sum-norm',
];
const CISPO_CLIPS: readonly CispoClip[] = ['two-sided', 'upper'];

/** The keys of {@link PolicyLossOptions}, in their documented order. @internal */
export const POLICY_LOSS_OPTION_KEYS: readonly string[] = [
  'loss',
  'clipLow',
  'clipHigh',
  'dualClip',
  'aggregation',
  'normalizer',
  'logRatioClamp',
  'sequenceLogRatioMax',
  'sapoTau',
  'cispoClip',
];
/** The keys of `LossNormalizer`. @internal */
export const NORMALIZER_KEYS: readonly string[] = ['tokens', 'sequences', 'constant'];
const SAPO_TAU_KEYS: readonly string[] = ['positive', 'negative'];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, fn: string, name: string): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const got = typeof value === 'string' ? JSON.stringify(value) : describeType(value);
  throw new TypeError(`${fn}: option '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${got}`);
}

function nullablePositive(value: unknown, fallback: number | null, fn: string, name: string): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  return checkPositive(value, fn, name);
}

/**
 * Checks the global denominators of a loss aggregation; each given field must be a finite
 * number > 0, and no other key is allowed. `name` prefixes the fields in messages
 * (`option 'normalizer.tokens'`); `arg` names the object itself (`'options.normalizer'` when
 * it is nested in an options bag). @internal
 */
export function resolveNormalizer(value: unknown, fn: string, name = 'normalizer', arg = name): LossNormalizer {
  if (value === undefined) return {};
  assertOptions(value, fn, name);
  assertKnownKeys(value, NORMALIZER_KEYS, fn, arg);
  const v = value as Record<string, unknown>;
  const out: { tokens?: number; sequences?: number; constant?: number } = {};
  for (const key of ['tokens', 'sequences', 'constant'] as const) {
    if (v[key] !== undefined) out[key] = checkPositive(v[key], fn, `${name}.${key}`);
  }
  return out;
}

/**
 * Fills in the defaults of {@link PolicyLossOptions} and checks every value, so the tensor
 * and the plain-array losses agree on both. Defaults: `loss` `'ppo'`; `clipLow` and
 * `clipHigh` 0.2; `dualClip` 3 for `'ppo'`, `null` for `'gspo'`; `aggregation`
 * `'seq-mean-token-mean'` for `'gspo'` and `'sapo'`, `'token-mean'` otherwise;
 * `logRatioClamp` 20; `sequenceLogRatioMax` 10; `sapoTau` `{ positive: 1, negative: 1.05 }`;
 * `cispoClip` `'two-sided'` (see `src/ops/types.ts` for where in verl and TRL each comes from).
 *
 * @param options - The caller's options (or undefined).
 * @param fn - The public function to name in error messages.
 * @returns The options with every field set.
 * @throws TypeError when an option has the wrong type or an unknown value, or when `options`
 *   (or its `normalizer` or `sapoTau`) has a key it does not know: the message names the key
 *   and the nearest valid one, since a misspelled option would otherwise run with the default.
 * @throws RangeError when a number is out of range (clip bounds < 0, `dualClip` <= 1, ...).
 * @example
 * ```ts
 * import { resolvePolicyLossOptions } from 'srl-kit/ops';
 * resolvePolicyLossOptions({ loss: 'gspo' }).aggregation; //=> 'seq-mean-token-mean'
 * resolvePolicyLossOptions().dualClip;                    //=> 3
 * resolvePolicyLossOptions({ loss: 'gspo' }).dualClip;    //=> null
 * resolvePolicyLossOptions({ clip_ratio_high: 0.28 });
 * // TypeError: resolvePolicyLossOptions: unknown option 'clip_ratio_high' in 'options' (did you mean 'clipHigh'?); ...
 * ```
 */
export function resolvePolicyLossOptions(
  options?: PolicyLossOptions,
  fn = 'resolvePolicyLossOptions',
): ResolvedPolicyLossOptions {
  return resolvePolicyLossOptionsWith(options, fn, POLICY_LOSS_OPTION_KEYS);
}

/**
 * {@link resolvePolicyLossOptions} for a caller whose options bag has more keys than
 * {@link PolicyLossOptions} (the tensor `policyLoss`'s `validate`): `allowed` lists them all.
 * @internal
 */
export function resolvePolicyLossOptionsWith(options: unknown, fn: string, allowed: readonly string[]): ResolvedPolicyLossOptions {
  assertOptions(options, fn);
  assertKnownKeys(options, allowed, fn, 'options');
  const o = (options ?? {}) as PolicyLossOptions;
  const loss = oneOf(o.loss, LOSSES, 'ppo', fn, 'loss');
  const clipLow = o.clipLow === undefined ? 0.2 : checkPositive(o.clipLow, fn, 'clipLow', true);
  const clipHigh = o.clipHigh === undefined ? 0.2 : checkPositive(o.clipHigh, fn, 'clipHigh', true);
  let dualClip: number | null = loss === 'ppo' ? 3 : null;
  if (o.dualClip !== undefined) {
    if (o.dualClip === null) dualClip = null;
    else {
      const c = o.dualClip as unknown;
      if (typeof c !== 'number' || !Number.isFinite(c) || c <= 1) {
        const got = typeof c === 'number' ? String(c) : describeType(c);
        throw new RangeError(`${fn}: option 'dualClip' must be a finite number > 1 or null, got ${got}`);
      }
      dualClip = c;
    }
  }
  const aggregation = oneOf(
    o.aggregation,
    AGGREGATIONS,
    loss === 'gspo' || loss === 'sapo' ? 'seq-mean-token-mean' : 'token-mean',
    fn,
    'aggregation',
  );
  const normalizer = resolveNormalizer(o.normalizer, fn, 'normalizer', 'options.normalizer');
  const logRatioClamp = nullablePositive(o.logRatioClamp, 20, fn, 'logRatioClamp');
  let sequenceLogRatioMax: number | null = 10;
  if (o.sequenceLogRatioMax !== undefined) {
    const m = o.sequenceLogRatioMax as unknown;
    if (m === null) sequenceLogRatioMax = null;
    else if (typeof m !== 'number' || !Number.isFinite(m)) {
      const got = typeof m === 'number' ? String(m) : describeType(m);
      throw new RangeError(`${fn}: option 'sequenceLogRatioMax' must be a finite number or null, got ${got}`);
    } else sequenceLogRatioMax = m;
  }
  let sapoTau = { positive: 1, negative: 1.05 };
  if (o.sapoTau !== undefined) {
    assertOptions(o.sapoTau, fn, 'sapoTau');
    assertKnownKeys(o.sapoTau, SAPO_TAU_KEYS, fn, 'options.sapoTau');
    sapoTau = {
      positive: checkPositive(o.sapoTau.positive, fn, 'sapoTau.positive'),
      negative: checkPositive(o.sapoTau.negative, fn, 'sapoTau.negative'),
    };
  }
  const cispoClip = oneOf(o.cispoClip, CISPO_CLIPS, 'two-sided', fn, 'cispoClip');
  return { loss, clipLow, clipHigh, dualClip, aggregation, normalizer, logRatioClamp, sequenceLogRatioMax, sapoTau, cispoClip };
}
