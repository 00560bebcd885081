import { TrajectoryError } from '../../src/trajectory/trajectory-error.js';

/** All values of an async iterable, in order. */
export async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

/** Drains `iterable` and returns the `TrajectoryError` it throws; fails if it ends or throws something else. */
export async function failure(iterable: AsyncIterable<unknown>): Promise<TrajectoryError> {
  try {
    await collect(iterable);
  } catch (error) {
    if (error instanceof TrajectoryError) return error;
    throw error;
  }
  throw new Error('expected a TrajectoryError');
}
