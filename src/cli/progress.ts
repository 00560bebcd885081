import cliProgress from 'cli-progress';

/** A progress display: a bar on a TTY, nothing otherwise. */
export interface Progress {
  /** Adds `n` (default 1) to the count. */
  increment(n?: number): void;
  /** Removes the bar. */
  stop(): void;
}

/**
 * A progress bar on stderr, shown only when stderr is a TTY (quiet when piped or
 * redirected, so logs and tests see only the summary).
 *
 * @param label - What is counted (`prompts`, `rows`).
 * @param total - The total when known; otherwise a running count.
 * @returns The progress display.
 */
export function createProgress(label: string, total?: number): Progress {
  if (process.stderr.isTTY !== true) return { increment() {}, stop() {} };
  const known = total !== undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: known ? `${label} [{bar}] {value}/{total} {percentage}% | eta {eta}s` : `${label}: {value}`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0);
  return {
    increment(n = 1) {
      bar.increment(n);
    },
    stop() {
      bar.stop();
    },
  };
}
