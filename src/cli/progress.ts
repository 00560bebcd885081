import cliProgress from 'cli-progress';

/** A progress display: a bar on a TTY, nothing otherwise. */
export interface Progress {
  /** Adds `n` (default 1) to the count of items shown. */
  increment(n?: number): void;
  /**
   * Sets how far through the total it is, in the total's unit (bytes of the input,
   * say). Without a total it does nothing.
   */
  advance(done: number): void;
  /** Draws the final state and removes the bar. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /**
   * The total, when known, in its own unit (the input's size in bytes, say; see
   * {@link Progress.advance}): the bar then shows a percentage and an ETA.
   * Without one it shows a running count and the time so far.
   */
  readonly total?: number | undefined;
  /** Where to draw (default `process.stderr`); nothing is drawn unless it is a TTY. */
  readonly stream?: NodeJS.WriteStream | undefined;
}

/**
 * A progress bar on stderr, shown only when stderr is a TTY (quiet when piped or
 * redirected, so logs and tests see only the summary). It counts items (`rows`,
 * `prompts`); with a known `total` it also draws a bar, a percentage and an ETA
 * from {@link Progress.advance}:
 *
 * ```
 * 1024 rows [████████░░░░░░░░░░░░] 41% | eta 3s      (with a total)
 * 7 prompts | 0s                                      (without)
 * ```
 *
 * @param label - What is counted (`prompts`, `rows`).
 * @param options - The total, when known, and the stream.
 * @returns The progress display.
 * @example
 * ```ts
 * const progress = createProgress('rows', { total: statSync(input).size });
 * progress.increment(1024);
 * progress.advance(bytesRead);
 * progress.stop();
 * ```
 */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return { increment() {}, advance() {}, stop() {} };
  const { total } = options;
  const known = total !== undefined && total > 0;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      // Our own ETA: cli-progress's shows "NULL" (as "LLs") when updates come faster than its clock.
      format: known ? `{count} ${label} [{bar}] {percentage}% | eta {remaining}` : `{count} ${label} | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let count = 0;
  let done = 0;
  const started = Date.now();
  const payload = (): { count: number; remaining: string } => ({ count, remaining: known ? eta(done, total, Date.now() - started) : '' });
  bar.start(known ? total : 1, 0, payload());
  return {
    increment(n = 1) {
      count += n;
      bar.update(done, payload());
    },
    advance(value: number) {
      if (!known) return;
      done = Math.min(value, total);
      bar.update(done, payload());
    },
    stop() {
      bar.stop();
    },
  };
}

/**
 * The time left at the rate so far, as `12s`, `3m05s` or `1h02m`; `?` before any progress.
 * @example
 * ```ts
 * eta(25, 100, 10_000); //=> '30s'  (a quarter done in 10 s)
 * eta(0, 100, 10_000);  //=> '?'
 * ```
 */
export function eta(done: number, total: number, elapsedMs: number): string {
  if (done >= total) return '0s';
  if (done <= 0 || elapsedMs <= 0) return '?';
  const s = Math.ceil(((total - done) * elapsedMs) / done / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${two(Math.floor((s % 3600) / 60))}m`;
}
