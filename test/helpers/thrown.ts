import { TrajectoryError } from '../../src/trajectory/trajectory-error.js';

/** Runs `f` and returns the `TrajectoryError` it throws; fails if it throws nothing or something else. */
export function thrown(f: () => unknown): TrajectoryError {
  try {
    f();
  } catch (e) {
    if (e instanceof TrajectoryError) return e;
    throw e;
  }
  throw new Error('expected a TrajectoryError');
}
