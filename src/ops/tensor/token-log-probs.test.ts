import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { entropyFromLogits } from './entropy-from-logits.js';
import { tokenLogProbs } from './token-log-probs.js';
import { HOST_VARIANTS, activate, checkAll, checkLogitsCase, directionalCheck, fixtureCases, type LogitsCase } from './_test-support.js';
import { overflowCases, type OverflowLogitsCase } from '../arrays/_overflow-fixtures.js';
import { setHostChecks } from './_validate.js';

const CASES = fixtureCases<LogitsCase>('logits');
const TOL = { rtol: 1e-6, atol: 1e-7 };

describe.each(HOST_VARIANTS)('tokenLogProbs and entropyFromLogits on $name', (variant) => {
  beforeAll(async () => {
    await activate(variant);
  });

  it(`match the float64 fixtures: ${CASES.length} cases (values and gradients w.r.t. the logits)`, async () => {
    const failures = await checkAll(CASES, (c) => checkLogitsCase(c, TOL));
    expect(failures).toEqual([]);
  });

  it('have the gradients of finite differences', async () => {
    const failures: string[] = [];
    for (const c of CASES.filter((x) => x.kind === 'normal' || x.kind === 'tiny-vocab')) {
      for (const [name, op] of [
        ['tokenLogProbs', (z: tf.Tensor) => tokenLogProbs(z, tf.tensor1d(c.ids, 'int32'))],
        ['entropyFromLogits', (z: tf.Tensor) => entropyFromLogits(z)],
      ] as const) {
        // a fixed weighting of the outputs, so every row matters
        const w = tf.tensor1d(c.ids.map((_, i) => 1 + i / 3));
        const f = (z: Float32Array) => tf.tidy(() => tf.sum(tf.mul(op(tf.tensor2d(z, c.shape)), w)).dataSync()[0] as number);
        const grad = tf.tidy(() => tf.grad((z: tf.Tensor) => tf.sum(tf.mul(op(z), w)))(tf.tensor2d(c.logits, c.shape)).dataSync());
        const [fd, analytic] = await directionalCheck(c.logits, grad, f, 1e-3, c.logits.length);
        if (!(Math.abs(fd - analytic) <= 2e-5 + 1e-2 * Math.abs(analytic))) failures.push(`${c.id} ${name}: fd ${fd}, gradient ${analytic}`);
        w.dispose();
      }
    }
    expect(failures).toEqual([]);
  });

  it('take [B, T, V] logits with [B, T] ids, and float32 ids', () => {
    tf.tidy(() => {
      const z = tf.tensor3d([[[2, 1, 0], [0, 0, 0]], [[1, 1, 5], [-1, 3, 2]]]);
      const ids = tf.tensor2d([[0, 2], [2, 1]], [2, 2], 'int32');
      const flat = tokenLogProbs(tf.reshape(z, [4, 3]), tf.reshape(ids, [4])).dataSync();
      const lp = tokenLogProbs(z, ids);
      expect(lp.shape).toEqual([2, 2]);
      expect(Array.from(lp.dataSync())).toEqual(Array.from(flat));
      expect(Array.from(tokenLogProbs(z, tf.cast(ids, 'float32')).dataSync())).toEqual(Array.from(flat));
      expect(entropyFromLogits(z).shape).toEqual([2, 2]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(tokenLogProbs(x, ids)))(z);
      expect(g.shape).toEqual([2, 2, 3]);
    });
  });

  it('allow -Infinity logits (a masked vocabulary)', () => {
    tf.tidy(() => {
      const z = tf.tensor2d([[0, -Infinity, 0, -Infinity]]);
      expect(tokenLogProbs(z, tf.tensor1d([2], 'int32')).dataSync()[0]).toBeCloseTo(-Math.LN2, 6);
      expect(tokenLogProbs(z, tf.tensor1d([1], 'int32')).dataSync()[0]).toBe(-Infinity);
      expect(entropyFromLogits(z).dataSync()[0]).toBeCloseTo(Math.LN2, 6);
      const g = tf.grad((x: tf.Tensor) => tf.sum(entropyFromLogits(x)))(z).dataSync();
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    });
  });

  it('stay finite for logits whose exp overflows float32', () => {
    tf.tidy(() => {
      const z = tf.tensor2d([[1000, 999, -1000]]);
      expect(tokenLogProbs(z, tf.tensor1d([1], 'int32')).dataSync()[0]).toBeCloseTo(-1 - Math.log1p(Math.exp(-1)), 5);
    });
  });

  it('throw on NaN / +Infinity logits, empty rows and ids out of range, naming the position', () => {
    const ids = tf.tensor1d([0, 1], 'int32');
    expect(() => tokenLogProbs(tf.tensor2d([[0, 1], [NaN, 0]]), ids)).toThrow('tokenLogProbs: logits[1, 0] (row 1 of the flattened [N, V]) is NaN');
    expect(() => entropyFromLogits(tf.tensor2d([[0, Infinity]]))).toThrow('entropyFromLogits: logits[0, 1] (row 0 of the flattened [N, V]) is Infinity');
    expect(() => tokenLogProbs(tf.tensor2d([[0, 1], [-Infinity, -Infinity]]), ids)).toThrow(
      'tokenLogProbs: logits row 1 of the flattened [N, V] has no finite value',
    );
    expect(() => tokenLogProbs(tf.tensor2d([[0, 1], [0, 1]]), tf.tensor1d([0, 2], 'int32'))).toThrow(
      'tokenLogProbs: ids[1] (flattened) is 2, expected an integer in [0, 2) (V = logits.shape[-1])',
    );
    ids.dispose();
  });

  it('throw on float ids that are not integers in [0, V) instead of truncating them, naming the position', () => {
    // the fused cpu / wasm kernels check in-kernel: the GPU path (hostChecks off) is the composed one's
    for (const hostChecks of variant.fused ? [true] : [true, false]) {
      const previous = setHostChecks(hostChecks);
      try {
        tf.tidy(() => {
          const z = tf.tensor2d([[0, 1], [2, 0]]);
          for (const bad of [0.5, -1, 2, NaN, 1e10]) {
            expect(() => tokenLogProbs(z, tf.tensor1d([0, bad])), String(bad)).toThrow(
              `tokenLogProbs: ids[1] (flattened) is ${String(bad)}, expected an integer in [0, 2) (V = logits.shape[-1])`,
            );
          }
          expect(() => tokenLogProbs(z, tf.tensor1d([-1, 0], 'int32'))).toThrow('tokenLogProbs: ids[0] (flattened) is -1, expected an integer');
          // integer-valued float ids are fine
          expect(Array.from(tokenLogProbs(z, tf.tensor1d([1, 0])).dataSync())).toEqual(Array.from(tokenLogProbs(z, tf.tensor1d([1, 0], 'int32')).dataSync()));
        });
      } finally {
        setHostChecks(previous);
      }
    }
  });

  it('return the float64 edge values where they fit float32, and throw where they overflow it', () => {
    for (const c of overflowCases<OverflowLogitsCase>('logits').filter((x) => x.float32Inputs)) {
      for (const hostChecks of variant.fused ? [true] : [true, false]) {
        const previous = setHostChecks(hostChecks);
        try {
          const run = () => tf.tidy(() => tokenLogProbs(tf.tensor2d(c.logits, c.shape), tf.tensor1d(c.ids, 'int32')).dataSync()[0] as number);
          if (c.overflows.float32) {
            expect(run, c.id).toThrow(/^tokenLogProbs: the log-probability of row 0 overflowed to -Infinity/);
          } else {
            const want = (c.expected as { logProbs: number[] }).logProbs[0] as number;
            expect(Math.abs(run() - want), c.id).toBeLessThanOrEqual(1e-6 * Math.abs(want));
          }
        } finally {
          setHostChecks(previous);
        }
      }
    }
  });

  it('reject unknown option keys, naming the key and the nearest valid one', () => {
    tf.tidy(() => {
      const z = tf.tensor2d([[0, 1]]);
      expect(() => tokenLogProbs(z, tf.tensor1d([0], 'int32'), { valdate: true } as never)).toThrow(
        "tokenLogProbs: unknown option 'valdate' in 'options' (did you mean 'validate'?); valid options: validate",
      );
      expect(() => entropyFromLogits(z, { check: false } as never)).toThrow(/^entropyFromLogits: unknown option 'check' in 'options' \(did you mean 'validate'\?\)/);
    });
  });

  it('name the argument and both shapes when a shape does not fit', () => {
    expect(() => tokenLogProbs(tf.zeros([2, 3]), tf.zeros([3], 'int32'))).toThrow(
      "tokenLogProbs: argument 'ids' has shape [3], but logits of shape [2, 3] needs [2]",
    );
    expect(() => tokenLogProbs(tf.zeros([3]), tf.zeros([3], 'int32'))).toThrow(
      "tokenLogProbs: argument 'logits' must be [N, V] or [B, T, V], got shape [3]",
    );
    expect(() => tokenLogProbs(tf.zeros([2, 0]), tf.zeros([2], 'int32'))).toThrow(/the vocabulary \(last\) dimension is empty/);
    expect(() => entropyFromLogits(tf.zeros([2, 3], 'int32'))).toThrow("entropyFromLogits: argument 'logits' must be float32, got int32");
    expect(() => tokenLogProbs(tf.zeros([2, 3]), tf.zeros([2], 'bool'))).toThrow(/argument 'ids' must be int32/);
  });

  it('leak no tensors', () => {
    const z = tf.tensor2d([[2, 1, 0], [0, 0, 0]]);
    const ids = tf.tensor1d([0, 2], 'int32');
    const before = tf.memory().numTensors;
    tokenLogProbs(z, ids).dispose();
    entropyFromLogits(z).dispose();
    tf.grad((x: tf.Tensor) => tf.sum(tokenLogProbs(x, ids)))(z).dispose();
    tf.grad((x: tf.Tensor) => tf.sum(entropyFromLogits(x)))(z).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, ids]);
  });
});
