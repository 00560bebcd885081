import { describe, expect, it } from 'vitest';
import { advantagePresets, defaultAdvantageSettings } from './advantage-presets.js';

describe('advantagePresets', () => {
  it("hold each trainer's numbers", () => {
    expect(advantagePresets.verl).toMatchObject({ eps: 1e-6, std: 'sample', singleton: 'raw', whitenStd: 'sample', whitenEpsMode: 'add' });
    expect(advantagePresets.trl).toMatchObject({ eps: 1e-4, std: 'sample', singleton: 'zero', missing: 'zero', scale: 'group' });
    expect(advantagePresets.openrlhf).toMatchObject({
      eps: 1e-9,
      std: 'sample',
      whitenStd: 'population',
      whitenEpsMode: 'clamp',
      whitenEps: 1e-8,
      clipRange: [-10, 10],
    });
    expect(advantagePresets.verl.clipRange).toBeNull();
    expect(advantagePresets.trl.clipRange).toBeNull();
    expect(defaultAdvantageSettings).toEqual({
      estimator: 'grpo',
      scale: 'group',
      eps: 1e-6,
      std: 'sample',
      singleton: 'zero',
      missing: 'exclude',
      whitenStd: 'sample',
      whitenEps: 1e-8,
      whitenEpsMode: 'add',
      clipRange: null,
    });
  });

  it('are frozen', () => {
    expect(Object.isFrozen(advantagePresets)).toBe(true);
    expect(Object.isFrozen(advantagePresets.trl)).toBe(true);
    expect(Object.isFrozen(defaultAdvantageSettings)).toBe(true);
  });
});
