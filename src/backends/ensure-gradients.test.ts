import * as tf from '@tensorflow/tfjs-core';
// The types of the chained methods (x.sum(), ...): tfjs-core declares them only here.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGradConfigs } from './_gradients.generated.js';
import { ensureGradients, registerGradients } from './ensure-gradients.js';

const custom = function customSoftplus(this: tf.Tensor) {
  return this;
};
let firstCount = 0;

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  // A method already on Tensor.prototype (as from @tensorflow/tfjs) must survive.
  (tf.Tensor.prototype as unknown as Record<string, unknown>)['softplus'] = custom;
  firstCount = await ensureGradients();
});

/** Checks tf.grad of sum(f(x) * w) against central differences, in float32 on the cpu backend. */
async function checkGradient(f: (x: tf.Tensor) => tf.Tensor, values: number[], shape: number[]): Promise<void> {
  const x = tf.tensor(values, shape);
  const outShape = f(x).shape;
  const size = outShape.reduce((a, b) => a * b, 1);
  const w = tf.tensor(Array.from({ length: size }, (_, i) => 0.5 + ((i * 7) % 5) / 10), outShape);
  const loss = (t: tf.Tensor) => tf.sum(tf.mul(f(t), w));
  const analytic = await tf.grad(loss)(x).data();
  const eps = 1e-2;
  for (let i = 0; i < values.length; i++) {
    const plus = values.slice();
    const minus = values.slice();
    plus[i] = (plus[i] as number) + eps;
    minus[i] = (minus[i] as number) - eps;
    const up = (await loss(tf.tensor(plus, shape)).data())[0] as number;
    const down = (await loss(tf.tensor(minus, shape)).data())[0] as number;
    expect(analytic[i]).toBeCloseTo((up - down) / (2 * eps), 2);
  }
}

describe('ensureGradients', () => {
  it("registers every gradient in tfjs-core's register_all_gradients list, once", async () => {
    const kernels = new Set(createGradConfigs(tf).map((c) => c.kernelName));
    expect(kernels.size).toBeGreaterThan(90);
    expect(firstCount).toBe(kernels.size);
    for (const kernel of kernels) expect(tf.getGradient(kernel), kernel).toBeDefined();
    expect(await ensureGradients()).toBe(0);
  });

  it('keeps a gradient that is already registered', () => {
    const mine: tf.GradConfig = { kernelName: tf.Exp, gradFunc: (dy) => ({ x: () => dy as tf.Tensor }) };
    tf.unregisterGradient(tf.Exp);
    tf.registerGradient(mine);
    expect(registerGradients(tf)).toBe(0);
    expect(tf.getGradient(tf.Exp)).toBe(mine);
    tf.unregisterGradient(tf.Exp);
    expect(registerGradients(tf)).toBe(1);
    expect(tf.getGradient(tf.Exp)).not.toBe(mine);
  });

  it('adds the chained tensor methods, keeping ones already there', () => {
    const x = tf.tensor1d([1, 2, 3]);
    expect(x.square().sum().dataSync()[0]).toBe(14);
    expect(x.reshape([3, 1]).shape).toEqual([3, 1]);
    expect(x.softplus()).toBe(x); // the custom method from beforeAll
  });

  it.each([
    ['exp', (x: tf.Tensor) => tf.exp(x)],
    ['log', (x: tf.Tensor) => tf.log(x)],
    ['logSoftmax', (x: tf.Tensor) => tf.logSoftmax(x)],
    ['softmax', (x: tf.Tensor) => tf.softmax(x)],
    ['sigmoid, tanh', (x: tf.Tensor) => tf.tanh(tf.sigmoid(x))],
    ['minimum, maximum, clipByValue', (x: tf.Tensor) => tf.clipByValue(tf.minimum(tf.maximum(x, 0.6), 2.5), 0.7, 2.2)],
    ['where, greaterEqual', (x: tf.Tensor) => tf.where(tf.greaterEqual(x, 1.5), tf.square(x), tf.neg(x))],
    ['div, sub, pow, sqrt', (x: tf.Tensor) => tf.div(tf.sub(tf.pow(x, 3), 1), tf.sqrt(x))],
    ['mean, max (keepDims)', (x: tf.Tensor) => tf.add(tf.mean(x, 1, true), tf.max(x, 1, true))],
    ['matMul, transpose', (x: tf.Tensor) => tf.matMul(x, tf.transpose(x))],
    ['gather', (x: tf.Tensor) => tf.gather(x, [2, 0], 1)],
    ['slice, concat', (x: tf.Tensor) => tf.concat([tf.slice(x, [0, 1], [2, 2]), x], 1)],
  ])('gives the right gradient for %s', async (_name, f) => {
    await checkGradient(f, [0.9, 1.3, 2.1, 1.7, 0.8, 1.2], [2, 3]);
  });
});
