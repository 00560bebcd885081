import { constants } from 'node:os';
import { removeTemporaryFilesSync } from '../io/sink.js';

/** The signals that end a command that writes a file, cleanly. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** What {@link onInterrupt} needs to know, read when a signal arrives. */
export interface InterruptState {
  /** The output file, or undefined for stdout. */
  readonly output: string | undefined;
  /** Whether the output is complete and in place. */
  written: boolean;
}

/**
 * Until the returned function is called, SIGINT, SIGTERM and SIGHUP end the process
 * at once and cleanly: `cleanup` runs (the progress bar gives the cursor back), the
 * temporary files of unfinished writes are removed (so the output path keeps what
 * it held, or stays absent), one line says so on stderr, and the exit code is
 * 128 + the signal's number, as a shell reports a process killed by it (130 for
 * SIGINT, 143 for SIGTERM, 129 for SIGHUP).
 *
 * @param command - The subcommand, for the message.
 * @param state - The output, and whether it was written.
 * @param cleanup - Runs first (synchronously).
 * @returns A function that removes the handlers.
 * @example
 * ```ts
 * const state = { output: 'scored.jsonl', written: false };
 * const release = onInterrupt('score', state, () => progress.stop());
 * try { await writeJsonl(rows, 'scored.jsonl'); state.written = true; } finally { release(); }
 * // Ctrl-C meanwhile: "srl score: interrupted by SIGINT; nothing was written to scored.jsonl", exit code 130
 * ```
 */
export function onInterrupt(command: string, state: InterruptState, cleanup: () => void = () => {}): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    try {
      cleanup();
    } catch {
      // Leaving matters more.
    }
    removeTemporaryFilesSync();
    const what =
      state.output === undefined ? '' : state.written ? `; ${state.output} was written before it` : `; nothing was written to ${state.output}`;
    process.stderr.write(`srl ${command}: interrupted by ${signal}${what}\n`);
    process.exit(128 + (constants.signals[signal] ?? 0));
  };
  for (const s of SIGNALS) process.on(s, handler);
  return () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
}
