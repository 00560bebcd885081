/**
 * Test support (not part of the public API): the cases of `test/fixtures/ops/overflow.json`,
 * written in float64 by `scripts/gen_ops_fixtures.py`: finite inputs whose exact results fit
 * float32, only float64, or neither (`overflows`), with the float64 values where they exist.
 * @internal
 * @module
 */
import { readFileSync } from 'node:fs';
import type { KlEstimator, KlOptions, LossAggregation, PolicyLossOptions } from '../types.js';

/** Whether the exact result is out of float32's / float64's range. */
export interface Overflows {
  readonly float32: boolean;
  readonly float64: boolean;
}

/** A policy-loss edge: `expected` is null where float64 overflows too. */
export interface OverflowPolicyCase {
  readonly id: string;
  readonly options: PolicyLossOptions;
  readonly shape: [number, number];
  readonly logProbs: number[];
  readonly oldLogProbs: number[];
  readonly advantages: number[];
  readonly advantagesShape: number[];
  readonly mask: number[];
  readonly overflows: Overflows;
  readonly expected: { loss: number; perToken: number[]; gradLogProbs: number[]; approxKl: number } | null;
}

/** A KL edge. */
export interface OverflowKlCase {
  readonly id: string;
  readonly estimator: KlEstimator;
  readonly options: KlOptions;
  readonly logProbs: number[];
  readonly refLogProbs: number[];
  readonly overflows: Overflows;
  readonly expected: { values: number[]; gradLogProbs: number[] } | null;
}

/** An aggregation edge (`float32Inputs`: every value is a float32 number). */
export interface OverflowAggregateCase {
  readonly id: string;
  readonly mode: LossAggregation;
  readonly shape: [number, number];
  readonly perToken: number[];
  readonly mask: number[];
  readonly float32Inputs: boolean;
  readonly overflows: Overflows;
  readonly expected: { loss: number } | null;
}

/** A log-probability edge. */
export interface OverflowLogitsCase {
  readonly id: string;
  readonly shape: [number, number];
  readonly logits: number[];
  readonly ids: number[];
  readonly float32Inputs: boolean;
  readonly overflows: Overflows;
  readonly expected: { logProbs: number[] } | null;
}

/** The cases of one group of `overflow.json`. */
export function overflowCases<T>(group: 'policyLoss' | 'kl' | 'aggregate' | 'logits'): T[] {
  const url = new URL('../../../test/fixtures/ops/overflow.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: Record<string, T[]> }).cases[group] as T[];
}
