/**
 * `tf.customGrad` for a function of one tensor, typed.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** The forward function of {@link unaryCustomGrad}. @internal */
export type UnaryForward<T extends tf.Tensor> = (
  x: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor };

/**
 * `tf.customGrad(f)(x)`: the gradient w.r.t. `x` is what `f`'s `gradFunc` returns; tensors
 * `f` closes over are constants.
 * @internal
 */
export function unaryCustomGrad<T extends tf.Tensor>(f: UnaryForward<T>, x: tf.Tensor): T {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const { value, gradFunc } = f(args[0] as tf.Tensor, args[1] as tf.GradSaveFunc);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => gradFunc(dy as T, saved) };
  });
  return op(x) as T;
}
