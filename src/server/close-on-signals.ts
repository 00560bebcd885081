/** Anything with a graceful `close()`, such as a {@link RewardServer}. */
export interface Closable {
  /**
   * Stops the server gracefully.
   * @example
   * ```ts
   * await server.close();
   * ```
   */
  close(): Promise<void>;
}

/**
 * Closes `server` gracefully on the first of `signals` (stop accepting, finish in-flight
 * requests), then lets the process exit; a second signal exits at once with code 1.
 *
 * @param server - What to close.
 * @param signals - The signals to handle (default `SIGTERM` and `SIGINT`).
 * @returns A function that removes the handlers again.
 * @example
 * ```ts
 * import { closeOnSignals, createRewardServer } from 'srl-kit/server';
 * const server = createRewardServer({ port: 8000 });
 * await server.listen();
 * closeOnSignals(server);
 * ```
 */
export function closeOnSignals(
  server: Closable,
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): () => void {
  let closing = false;
  const handler = (): void => {
    if (closing) {
      process.exit(1);
    }
    closing = true;
    server.close().then(
      () => {
        remove();
        process.exitCode ??= 0;
      },
      (err: unknown) => {
        process.stderr.write(`error while closing the server: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  const remove = (): void => {
    for (const s of signals) process.off(s, handler);
  };
  for (const s of signals) process.on(s, handler);
  return remove;
}
