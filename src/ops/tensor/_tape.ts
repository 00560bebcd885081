/**
 * Saving a large tensor for the backward pass without a copy. `tf.customGrad`'s `save`
 * clones what it saves, and tfjs-backend-wasm's clone (its `Identity` kernel) copies the
 * data: 262 MB of logits cost ~80 ms per step. A `reshape` to the same shape shares the
 * data on every backend; added to the saved tensors of the op's tape node, the engine
 * disposes it after backpropagation like any saved tensor. This reads tfjs-core 4.x engine
 * internals (`state.activeTape`, a node's `outputs` and `saved`), checked before use; where
 * they are missing, callers save as usual.
 * @internal
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

interface TapeNodeLike {
  outputs?: unknown;
  saved?: unknown;
}

function activeTape(): TapeNodeLike[] | null {
  const tape = (tf.engine() as unknown as { state?: { activeTape?: unknown } }).state?.activeTape;
  return Array.isArray(tape) ? (tape as TapeNodeLike[]) : null;
}

/** Whether {@link attachToTape} can work here (a tape records and looks as expected). @internal */
export function tapeAttachable(): boolean {
  return activeTape() !== null;
}

/** A new tensor object sharing `t`'s data (no copy on any backend), kept out of tidy scopes. @internal */
export function aliasOf(t: tf.Tensor): tf.Tensor {
  return tf.keep(tf.reshape(t, t.shape));
}

/**
 * Appends `saved` to the saved tensors of the tape node that produced `output` (the gradient
 * function then sees it last in its `saved` list, and the engine disposes it after
 * backpropagation). Returns false if no such node was found (then `saved` stays alive).
 * @internal
 */
export function attachToTape(output: tf.Tensor, saved: tf.Tensor): boolean {
  const tape = activeTape();
  if (tape === null) return false;
  for (let i = tape.length - 1; i >= 0 && i >= tape.length - 8; i--) {
    const node = tape[i] as TapeNodeLike;
    if (Array.isArray(node.outputs) && node.outputs.includes(output) && Array.isArray(node.saved)) {
      (node.saved as tf.Tensor[]).push(saved);
      return true;
    }
  }
  return false;
}
