import { TrajectoryError } from './trajectory-error.js';

/**
 * What to do with a bad record when reading many: `'throw'` (default) stops at the
 * first one; `'skip'` drops it and counts it in a {@link SkipReport}.
 */
export type OnError = 'throw' | 'skip';

/** What was skipped: never silent, always counted, the first errors kept. */
export interface SkipReport {
  /** How many records were skipped. */
  skipped: number;
  /** The first errors (up to `keep`, default 20), for a report. */
  readonly errors: TrajectoryError[];
}

/**
 * Creates an empty {@link SkipReport}.
 * @example
 * ```ts
 * import { createSkipReport } from 'srl-kit';
 * const report = createSkipReport();
 * report.skipped; //=> 0
 * ```
 */
export function createSkipReport(): SkipReport {
  return { skipped: 0, errors: [] };
}

/**
 * Applies an error policy: rethrows unless `onError` is `'skip'` and the error is
 * a {@link TrajectoryError}, in which case it is counted in `report`.
 * @internal
 */
export function handleRecordError(error: unknown, onError: OnError, report: SkipReport | undefined, keep = 20): void {
  if (onError !== 'skip' || !(error instanceof TrajectoryError)) throw error;
  if (report !== undefined) {
    report.skipped++;
    if (report.errors.length < keep) report.errors.push(error);
  }
}
