import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip, type ZlibOptions } from 'node:zlib';

/** Where a writer writes: a stream, and how to finish or abandon it. @internal */
export interface Sink {
  /** The stream to write to (a gzip stream in front of the file, for `.gz`). */
  readonly stream: NodeJS.WritableStream;
  /** Throws the error the output failed with, if it failed. */
  check(): void;
  /** Ends the output when it is ours (or asked to) and waits until it is all written. */
  close(): Promise<void>;
  /** Abandons the output after an error: a file is closed and removed; a stream you passed is left open. */
  abort(): Promise<void>;
}

type Failure = { error: unknown } | undefined;

/**
 * Opens a file for writing (created or truncated), through gzip when asked.
 * `buffered` bytes may wait in the stream before a write asks to wait for 'drain', so
 * that the next chunk is being made while the last one is written.
 * @internal
 */
export function fileSink(path: string, gzip: boolean, buffered: number): Sink {
  const file = createWriteStream(path, { highWaterMark: buffered });
  // zlib streams take stream options too, though ZlibOptions does not list them.
  const gz = gzip ? createGzip({ highWaterMark: buffered } as ZlibOptions) : undefined;
  // With gzip, the pipeline carries errors and backpressure from the file to the gzip stream.
  const done = gz === undefined ? finished(file) : pipeline(gz, file);
  let failure: Failure;
  done.catch((error: unknown) => {
    failure = { error };
  });
  const stream: NodeJS.WritableStream = gz ?? file;
  return {
    stream,
    check() {
      if (failure !== undefined) throw failure.error;
    },
    async close() {
      stream.end();
      await done;
    },
    async abort() {
      (gz ?? file).destroy();
      await done.catch(() => {});
      await rm(path, { force: true });
    },
  };
}

/**
 * Wraps a stream the caller passed: it is ended only when `end` is true, and never
 * destroyed. Its errors are caught while writing (and rethrown by `check`).
 * @internal
 */
export function streamSink(stream: NodeJS.WritableStream, end: boolean): Sink {
  let failure: Failure;
  const onError = (error: unknown): void => {
    failure ??= { error };
  };
  stream.on('error', onError);
  const release = (): void => {
    stream.off('error', onError);
  };
  return {
    stream,
    check() {
      if (failure !== undefined) throw failure.error;
    },
    async close() {
      try {
        if (end) await new Promise<void>((resolve) => stream.end(() => resolve()));
        if (failure !== undefined) throw failure.error;
      } finally {
        release();
      }
    },
    async abort() {
      release();
    },
  };
}

/**
 * Writes a chunk and, when the stream asks for it, waits for `'drain'` before
 * returning: the backpressure that keeps memory flat when the destination is slower
 * than the source. Rejects when the output failed, or fails or closes first.
 * @internal
 */
export async function writeChunk(sink: Sink, chunk: Uint8Array): Promise<void> {
  sink.check();
  const stream = sink.stream as NodeJS.WritableStream & { readonly destroyed?: boolean };
  if (stream.write(chunk)) return;
  if (stream.destroyed === true) {
    sink.check();
    throw new Error('the destination was closed before all rows were written');
  }
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the destination was closed before all rows were written'));
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
