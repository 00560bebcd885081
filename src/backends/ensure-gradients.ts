import { createGradConfigs, installChainedOps } from './_gradients.generated.js';
import { loadTfjsCore, type TfCore } from './load-peer.js';

const gradConfigs = new WeakMap<object, ReturnType<typeof createGradConfigs>>();
const chained = new WeakSet<object>();

/**
 * Adds tfjs-core's chained tensor methods (`x.sum()`, `x.exp()`, ...) that
 * `Tensor.prototype` lacks; methods already there (from `@tensorflow/tfjs`, say) stay.
 */
function addChainedOps(tf: TfCore): void {
  const prototype = tf.Tensor.prototype as object;
  if (chained.has(prototype)) return;
  const onlyMissing = new Proxy(prototype, {
    set: (target, key, value) => (key in target ? true : Reflect.set(target, key, value)),
  });
  installChainedOps(tf, onlyMissing);
  chained.add(prototype);
}

/**
 * Registers tfjs-core's gradient functions with the given tfjs-core, skipping kernels
 * that already have one, and adds the missing chained tensor methods. Synchronous,
 * for code that already holds `tf`.
 *
 * @returns How many gradients this call registered.
 * @internal
 */
export function registerGradients(tf: TfCore): number {
  addChainedOps(tf);
  let configs = gradConfigs.get(tf);
  if (!configs) {
    configs = createGradConfigs(tf);
    gradConfigs.set(tf, configs);
  }
  let added = 0;
  for (const config of configs) {
    if (tf.getGradient(config.kernelName) == null) {
      tf.registerGradient(config);
      added++;
    }
  }
  return added;
}

/**
 * Makes `tf.grad` and the chained tensor methods (`x.sum()`, `x.exp()`, ...) work.
 * tfjs-core registers neither when it is imported on its own: only the
 * `@tensorflow/tfjs` union package does, and the files that do it
 * (`@tensorflow/tfjs-core/dist/register_all_gradients.js`,
 * `dist/public/chained_ops/register_all_chained_ops.js`) cannot be loaded by Node.
 * srl-kit carries tfjs-core's own definitions, rewritten to use only the public API of
 * the tfjs-core you installed (so there is still one tfjs-core), and registers each
 * one that is missing. Idempotent and cheap after the first call; {@link useBackend}
 * calls it.
 *
 * @returns How many gradients this call registered (0 when all were there).
 * @throws Error saying `npm install @tensorflow/tfjs-core` when it is not installed.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { ensureGradients } from 'srl-kit/backends';
 *
 * await ensureGradients(); // => 101 the first time, 0 after
 * tf.grad((x: tf.Tensor) => tf.exp(x).sum())(tf.tensor1d([0, 1])).print(); // [1, 2.7182817]
 * ```
 */
export async function ensureGradients(): Promise<number> {
  return registerGradients(await loadTfjsCore());
}
