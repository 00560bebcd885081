import { TrajectoryError } from '../../src/trajectory/trajectory-error.js';

/** Runs `f` and returns the error of class `type` it throws; fails if it throws nothing or something else. */
export function thrownOf<E extends Error>(type: abstract new (...args: never[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}`);
}

/** Runs `f` and returns the `TrajectoryError` it throws; fails if it throws nothing or something else. */
export function thrown(f: () => unknown): TrajectoryError {
  return thrownOf(TrajectoryError, f);
}
