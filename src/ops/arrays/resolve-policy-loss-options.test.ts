import { describe, expect, it } from 'vitest';
import { resolvePolicyLossOptions } from './resolve-policy-loss-options.js';

describe('resolvePolicyLossOptions', () => {
  it('fills in the verl defaults', () => {
    expect(resolvePolicyLossOptions()).toEqual({
      loss: 'ppo',
      clipLow: 0.2,
      clipHigh: 0.2,
      dualClip: 3,
      aggregation: 'token-mean',
      normalizer: {},
      logRatioClamp: 20,
      sequenceLogRatioMax: 10,
      sapoTau: { positive: 1, negative: 1.05 },
      cispoClip: 'two-sided',
    });
  });

  it('has per-loss defaults for the dual clip and the aggregation', () => {
    expect(resolvePolicyLossOptions({ loss: 'gspo' })).toMatchObject({ dualClip: null, aggregation: 'seq-mean-token-mean' });
    expect(resolvePolicyLossOptions({ loss: 'sapo' })).toMatchObject({ aggregation: 'seq-mean-token-mean' });
    expect(resolvePolicyLossOptions({ loss: 'cispo' })).toMatchObject({ aggregation: 'token-mean' });
    expect(resolvePolicyLossOptions({ loss: 'gspo', aggregation: 'token-mean', dualClip: 3 })).toMatchObject({
      dualClip: 3,
      aggregation: 'token-mean',
    });
  });

  it('treats undefined as the default and null as off', () => {
    expect(resolvePolicyLossOptions({ dualClip: undefined, logRatioClamp: null, sequenceLogRatioMax: null })).toMatchObject({
      dualClip: 3,
      logRatioClamp: null,
      sequenceLogRatioMax: null,
    });
    expect(resolvePolicyLossOptions({ dualClip: null }).dualClip).toBeNull();
  });

  it('names the function it is called for', () => {
    expect(() => resolvePolicyLossOptions({ clipHigh: Number.NaN }, 'policyLoss')).toThrow(
      /^policyLoss: option 'clipHigh' must be a finite number >= 0, got NaN$/,
    );
    expect(() => resolvePolicyLossOptions({ cispoClip: 'lower' as never })).toThrow(
      /resolvePolicyLossOptions: option 'cispoClip' must be one of 'two-sided', 'upper', got "lower"/,
    );
    expect(() => resolvePolicyLossOptions(3 as never)).toThrow(/argument 'options' must be an object/);
    expect(() => resolvePolicyLossOptions({ normalizer: 5 as never })).toThrow(/argument 'normalizer' must be an object/);
  });

  it('rejects unknown keys, top-level and nested, naming the nearest valid one', () => {
    expect(() => resolvePolicyLossOptions({ clip_ratio_high: 0.28 } as never, 'policyLoss')).toThrow(
      /^policyLoss: unknown option 'clip_ratio_high' in 'options' \(did you mean 'clipHigh'\?\); valid options: loss, clipLow/,
    );
    expect(() => resolvePolicyLossOptions({ dual_clip: 3 } as never)).toThrow(/^resolvePolicyLossOptions: unknown option 'dual_clip' in 'options' \(did you mean 'dualClip'\?\)/);
    expect(() => resolvePolicyLossOptions({ normalizer: { tokens: 4, seqs: 2 } } as never)).toThrow(
      /unknown option 'seqs' in 'options.normalizer' \(did you mean 'tokens'\?\); valid options: tokens, sequences, constant$/,
    );
  });
});
