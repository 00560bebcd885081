/**
 * Test hook of the worker entries, active only when `SRL_POOL_TEST_CRASH=1` is in the
 * worker's env: an output `__srl_pool_crash:<exit|throw>:<once|always>` makes the worker
 * `process.exit(1)` or throw an uncaught error, on the first try only (`once`) or on every
 * try (`always`).
 *
 * @module
 * @internal
 */

/** The test-crash marker prefix. @internal */
export const CRASH_PREFIX = '__srl_pool_crash:';

/**
 * Crashes the worker when an output carries the marker and the hook is enabled;
 * otherwise returns null.
 * @internal
 * @example
 * ```ts
 * crashHook(['plain output'], 0); //=> null
 * ```
 */
export function crashHook(outputs: readonly string[], attempt: number): Promise<never> | null {
  if (process.env['SRL_POOL_TEST_CRASH'] !== '1') return null;
  for (const output of outputs) {
    if (!output.startsWith(CRASH_PREFIX)) continue;
    const [how, when] = output.slice(CRASH_PREFIX.length).split(':');
    if (when !== 'always' && attempt > 0) continue;
    if (how === 'throw') {
      return new Promise<never>(() => {
        setImmediate(() => {
          throw new Error('srl-kit pool: test crash (uncaught error)');
        });
      });
    }
    process.exit(1);
  }
  return null;
}
