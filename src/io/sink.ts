import { randomBytes } from 'node:crypto';
import { rmSync, type Stats } from 'node:fs';
import { access, constants, open, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip, type ZlibOptions } from 'node:zlib';

/** Where a writer writes: a stream, and how to finish or abandon it. @internal */
export interface Sink {
  /** The stream to write to (a gzip stream in front of the file, for `.gz`). */
  readonly stream: NodeJS.WritableStream;
  /** Throws the error the output failed with, if it failed. */
  check(): void;
  /** Ends the output when it is ours (or asked to), waits until it is all written, and puts a file in place. */
  close(): Promise<void>;
  /** Abandons the output after an error: a file's temporary file is closed and removed; a stream you passed is left open. */
  abort(): Promise<void>;
}

/**
 * A file being written for a writer (`writeJsonl`, `writeParquet`): open, and either
 * committed (put in place) or discarded.
 * @internal
 */
export interface OutputFile {
  /** The open file the bytes go to: a temporary file beside the target, or the target itself. */
  readonly handle: FileHandle;
  /** The path the caller asked for. */
  readonly target: string;
  /** The path being written: the temporary file's, or the target's when not atomic. */
  readonly path: string;
  /** After the last byte: flushes to disk and closes; an atomic file is then renamed onto its target. */
  commit(): Promise<void>;
  /** After an error: closes and removes what was written; an existing target is left as it was. */
  discard(): Promise<void>;
}

/** Temporary files being written in this process, for {@link removeTemporaryFilesSync}. */
const temporaryFiles = new Set<string>();

/**
 * Removes every temporary file a writer of this process is writing, at once: for a
 * signal handler that is about to end the process (the CLI's), so that an
 * interrupted write leaves nothing beside its target. The targets are untouched.
 * The files stay open (an open file can be removed, on Windows too, as Node opens
 * them), so a writer that goes on fails when it renames. Returns the paths removed.
 * @internal
 */
export function removeTemporaryFilesSync(): string[] {
  const removed: string[] = [];
  for (const path of temporaryFiles) {
    try {
      rmSync(path, { force: true });
      removed.push(path);
    } catch {
      // Nothing more can be done on the way out.
    }
  }
  temporaryFiles.clear();
  return removed;
}

/**
 * The name of a temporary file beside `target`: `.<name>.<pid>.<random>.tmp`, in the
 * same folder so that the final rename stays on one file system (and is atomic).
 * @internal
 */
export function temporaryPath(target: string): string {
  // File names are limited to 255 bytes: keep room for the suffix.
  const name = basename(target).slice(0, 180);
  return join(dirname(target), `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

interface FsError extends Error {
  code?: string;
  path?: string;
}

/** Makes an error about the temporary file name the target instead (what the caller knows). */
function aboutTarget(error: unknown, temporary: string, target: string): unknown {
  const e = error as FsError;
  if (e instanceof Error && e.path === temporary) {
    e.path = target;
    e.message = e.message.split(temporary).join(target);
  }
  return error;
}

/** An `EISDIR` error naming `path`, as `open` would give for writing to a directory. */
function isDirectoryError(path: string): FsError {
  return Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${path}'`), { code: 'EISDIR', errno: -21, syscall: 'open', path });
}

/**
 * Opens `target` for writing.
 *
 * Atomic (the default): the bytes go to a new temporary file beside the target
 * ({@link temporaryPath}, created exclusively), which {@link OutputFile.commit}
 * flushes to disk (`fsync`) and renames onto the target, so that the target is
 * never seen half-written: it holds either what it held before, or all of the new
 * content. A target that is a symbolic link stays one: the file it points to is
 * replaced. An existing target keeps its permission bits, and must be writable (as
 * it would have to be to write it in place). A target that exists and is not a
 * regular file (`/dev/null`, a named pipe) is written in place, and never removed.
 *
 * Not atomic: the target is created or truncated and written as it grows (for
 * readers that follow it); on an error it is removed.
 *
 * Errors name the target, never the temporary file.
 * @internal
 */
export async function openOutputFile(target: string, atomic: boolean): Promise<OutputFile> {
  let real = target;
  let existing: Stats | undefined;
  try {
    real = await realpath(target);
    existing = await stat(real);
  } catch (error) {
    if ((error as FsError).code !== 'ENOENT') throw error;
  }
  if (existing?.isDirectory() === true) throw isDirectoryError(target);
  if (!atomic || (existing !== undefined && !existing.isFile())) {
    const regular = existing === undefined || existing.isFile();
    const handle = await open(target, 'w');
    return {
      handle,
      target,
      path: target,
      async commit() {
        await handle.close();
      },
      async discard() {
        await handle.close().catch(() => {});
        if (regular) await rm(target, { force: true });
      },
    };
  }
  if (existing !== undefined) await access(real, constants.W_OK);
  const temporary = temporaryPath(real);
  const forget = (): void => {
    temporaryFiles.delete(temporary);
  };
  // Known before it exists: a signal while it is being created still finds it.
  temporaryFiles.add(temporary);
  let handle: FileHandle;
  try {
    handle = await open(temporary, 'wx');
  } catch (error) {
    forget();
    throw aboutTarget(error, temporary, target);
  }
  try {
    if (existing !== undefined) await handle.chmod(existing.mode & 0o7777);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    forget();
    throw aboutTarget(error, temporary, target);
  }
  return {
    handle,
    target,
    path: temporary,
    async commit() {
      try {
        await handle.sync();
        await handle.close();
        await rename(temporary, real);
        forget();
      } catch (error) {
        await handle.close().catch(() => {});
        await rm(temporary, { force: true });
        forget();
        throw aboutTarget(error, temporary, target);
      }
    },
    async discard() {
      await handle.close().catch(() => {});
      await rm(temporary, { force: true });
      forget();
    },
  };
}

type Failure = { error: unknown } | undefined;

/**
 * Opens a file for writing ({@link openOutputFile}: atomic unless asked not to be),
 * through gzip when asked. `buffered` bytes may wait in the stream before a write
 * asks to wait for 'drain', so that the next chunk is being made while the last one
 * is written.
 * @internal
 */
export async function fileSink(path: string, gzip: boolean, buffered: number, atomic: boolean): Promise<Sink> {
  const output = await openOutputFile(path, atomic);
  const file = handleStream(output.handle, buffered);
  // zlib streams take stream options too, though ZlibOptions does not list them.
  const gz = gzip ? createGzip({ highWaterMark: buffered } as ZlibOptions) : undefined;
  // With gzip, the pipeline carries errors and backpressure from the file to the gzip stream.
  const done = gz === undefined ? finished(file) : pipeline(gz, file);
  let failure: Failure;
  done.catch((error: unknown) => {
    failure = { error: aboutTarget(error, output.path, path) };
  });
  const stream: NodeJS.WritableStream = gz ?? file;
  return {
    stream,
    check() {
      if (failure !== undefined) throw failure.error;
    },
    async close() {
      stream.end();
      try {
        await done;
      } catch (error) {
        throw aboutTarget(error, output.path, path);
      }
      await output.commit();
    },
    async abort() {
      (gz ?? file).destroy();
      await done.catch(() => {});
      await output.discard();
    },
  };
}

/**
 * A writable stream onto an open file that it never closes (the {@link OutputFile}
 * does, after flushing it to disk). Buffered chunks go out in one `writev`.
 */
function handleStream(handle: FileHandle, highWaterMark: number): Writable {
  return new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      writeAll(handle, [chunk]).then(() => callback(), callback);
    },
    writev(chunks, callback) {
      writeAll(
        handle,
        chunks.map((c) => c.chunk as Buffer),
      ).then(() => callback(), callback);
    },
  });
}

/** Writes all the bytes of `buffers`, in order, however many calls that takes. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest);
    let skip = bytesWritten;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) skip -= b.length;
      else {
        next.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    rest = next;
  }
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
