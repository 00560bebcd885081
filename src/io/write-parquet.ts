import type { FileHandle } from 'node:fs/promises';
import type { ByteWriter, Writer } from 'hyparquet-writer';
import { assertIntegerInRange, assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import { foundValue, TrajectoryError } from '../trajectory/trajectory-error.js';
import { fixEmptyRowGroups } from './parquet-footer.js';
import { compileSchema, type CompiledSchema, type ParquetSchema } from './parquet-schema.js';
import { openOutputFile } from './sink.js';
import { assertRows } from './write-jsonl.js';

const FN = 'writeParquet';

/** Rows per row group unless told otherwise. @internal */
export const DEFAULT_ROW_GROUP_SIZE = 10_000;

/** Characters of text per row group unless told otherwise. @internal */
export const DEFAULT_ROW_GROUP_CHARS = 8_000_000;

/** Options of {@link writeParquet}. */
export interface WriteParquetOptions {
  /** The columns: every row is checked against them (see `trlParquetSchema`, `verlParquetSchema`). */
  readonly schema: ParquetSchema;
  /**
   * The most rows per row group (default 10,000). Only one row group is held in
   * memory at a time, so this and `rowGroupChars` bound memory.
   */
  readonly rowGroupSize?: number | undefined;
  /**
   * Also end a row group once its strings add up to this many characters (default
   * 8,000,000, about 8 MB of text): long prompts make smaller row groups, so memory
   * stays flat however long the rows are (encoding a group takes a few times its size).
   */
  readonly rowGroupChars?: number | undefined;
  /** Page compression: `'snappy'` (default; what pyarrow writes) or `'none'`. */
  readonly compression?: 'snappy' | 'none' | undefined;
  /** Key-value metadata to store in the footer. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /**
   * Write a temporary file beside the path (`.<name>.<pid>.<random>.tmp`), flush it to
   * disk, and rename it onto the path only once the footer is written (default
   * `true`): the path never holds a Parquet file without its footer. `false` writes
   * the path itself, row group by row group (it is still removed if writing fails).
   */
  readonly atomic?: boolean | undefined;
}

const OPTION_KEYS = ['schema', 'rowGroupSize', 'rowGroupChars', 'compression', 'metadata', 'atomic'] as const satisfies readonly (keyof WriteParquetOptions)[];

/** What {@link writeParquet} wrote. */
export interface WriteParquetResult {
  /** Rows written. */
  readonly rows: number;
  /** Row groups written. */
  readonly rowGroups: number;
}

/**
 * Writes rows to a Parquet file with an explicit schema, streaming: rows are pulled
 * one at a time from any iterable or async iterable, one row group (up to 10,000
 * rows or 8 million characters of text) is buffered, encoded and written to the
 * file, then the next, so memory is bounded by the row group, not the dataset. Nested columns (structs, lists of
 * structs such as chat messages) are written as the standard nested Parquet types
 * that pyarrow, `datasets`, pandas, DuckDB and Spark read.
 *
 * Each row must match the schema: a mismatch is a {@link TrajectoryError} whose path
 * names the row and field (`$[17].prompt[2].content`); keys not in the schema are
 * not written.
 *
 * The file is written atomically: to a temporary file in the same folder, flushed to
 * disk and renamed onto `path` after the footer, so that `path` never holds a file
 * without one. On any error the temporary file is removed and `path` keeps what it
 * held (`atomic: false` writes `path` in place, and removes it on an error).
 *
 * Uses hyparquet-writer (loaded on first call). Node only.
 *
 * @param rows - Objects with the schema's columns as keys.
 * @param path - The file to create (or truncate).
 * @param options - The schema, row-group limits, compression, metadata and atomic writing.
 * @returns How many rows and row groups were written.
 * @throws TrajectoryError for a row that does not match the schema.
 * @throws TypeError or RangeError for a bad argument, option (or an unknown one) or schema; the file system's error (naming the path).
 * @example
 * ```ts
 * import { writeParquet } from 'srl-kit/io';
 * const schema = [
 *   { name: 'prompt', type: { list: { struct: [{ name: 'role', type: 'string' }, { name: 'content', type: 'string' }] } } },
 *   { name: 'target', type: 'string' },
 *   { name: 'step_index', type: 'int64' },
 * ] as const;
 * const rows = [{ prompt: [{ role: 'user', content: 'Solve x + 1 = 3.' }], target: 'x = 2', step_index: 0 }];
 * await writeParquet(rows, 'prompts.parquet', { schema }); //=> { rows: 1, rowGroups: 1 }
 * ```
 */
export async function writeParquet(
  rows: Iterable<unknown> | AsyncIterable<unknown>,
  path: string,
  options: WriteParquetOptions,
): Promise<WriteParquetResult> {
  assertRows(rows, FN);
  if (typeof path !== 'string' || path === '') throw new TypeError(`${FN}: argument 'path' must be a file path, got ${describeType(path)}`);
  if (options === undefined) throw new TypeError(`${FN}: argument 'options' with a 'schema' is required`);
  assertOptions(options, FN);
  assertKnownKeys(options, OPTION_KEYS, FN);
  const { rowGroupSize = DEFAULT_ROW_GROUP_SIZE, rowGroupChars = DEFAULT_ROW_GROUP_CHARS, compression = 'snappy', metadata, atomic = true } = options;
  assertIntegerInRange(rowGroupSize, 1, 2 ** 31 - 1, FN, 'rowGroupSize');
  assertIntegerInRange(rowGroupChars, 1, Number.MAX_SAFE_INTEGER, FN, 'rowGroupChars');
  if (compression !== 'snappy' && compression !== 'none') {
    throw new TypeError(`${FN}: option 'compression' must be 'snappy' or 'none', got ${JSON.stringify(compression)}`);
  }
  if (typeof atomic !== 'boolean') throw new TypeError(`${FN}: option 'atomic' must be a boolean, got ${describeType(atomic)}`);
  const schema = compileSchema(options.schema, FN, path);
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
  const output = await openOutputFile(path, atomic);
  try {
    const bytes = new ByteWriter(1 << 20);
    let empty = false;
    const writer = fileWriter(bytes, output.handle, () => {
      if (empty) fixFooter(bytes);
    });
    const parquet = new ParquetWriter({
      writer,
      schema: schema.elements,
      codec: compression === 'snappy' ? 'SNAPPY' : 'UNCOMPRESSED',
      createdBy: 'srl-kit (hyparquet-writer)',
      // No empty list: some readers (arrow-rs) reject the element type hyparquet-writer gives an empty thrift list.
      ...keyValueMetadata(metadata),
    });
    const result = await writeGroups(rows, schema, { rows: rowGroupSize, chars: rowGroupChars }, path, (columnData, size) =>
      parquet.write({ columnData, rowGroupSize: size }),
    );
    empty = result.rowGroups === 0;
    await parquet.finish();
    await output.commit();
    return result;
  } catch (error) {
    await output.discard();
    throw error;
  }
}

function keyValueMetadata(metadata: Readonly<Record<string, string>> | undefined): { kvMetadata?: { key: string; value: string }[] } {
  const entries = Object.entries(metadata ?? {});
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw new TypeError(`${FN}: metadata '${key}' must be a string, got ${describeType(value)}`);
  }
  return entries.length === 0 ? {} : { kvMetadata: entries.map(([key, value]) => ({ key, value })) };
}

/**
 * Patches the footer of a file with no row groups, all of which is still in the
 * writer's buffer (see {@link fixEmptyRowGroups}).
 */
function fixFooter(writer: ByteWriter): void {
  const end = writer.index - 8; // metadata, then its length (4 bytes) and 'PAR1'
  const length = writer.view.getUint32(end, true);
  fixEmptyRowGroups(new Uint8Array(writer.buffer, end - length, length));
}

type ColumnData = { name: string; data: unknown[] }[];

/** Buffers rows into columns, one row group at a time, and hands each group to `write`. */
async function writeGroups(
  rows: Iterable<unknown> | AsyncIterable<unknown>,
  schema: CompiledSchema,
  limit: { readonly rows: number; readonly chars: number },
  source: string,
  write: (columnData: ColumnData, size: number) => void | Promise<void>,
): Promise<WriteParquetResult> {
  const { columns, meter } = schema;
  let group = columns.map(() => [] as unknown[]);
  let inGroup = 0;
  let total = 0;
  let rowGroups = 0;
  const flush = async (): Promise<void> => {
    await write(
      columns.map((c, j) => ({ name: c.name, data: group[j]! })),
      inGroup,
    );
    rowGroups++;
    group = columns.map(() => []);
    inGroup = 0;
    meter.chars = 0;
  };
  for await (const row of rows) {
    const at = `$[${total}]`;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new TrajectoryError({ source, path: at, expected: 'a row object', found: row === undefined ? 'nothing' : foundValue(row) });
    }
    const record = row as Record<string, unknown>;
    for (let j = 0; j < columns.length; j++) {
      const column = columns[j]!;
      group[j]!.push(column.convert(record[column.name], `${at}.${column.name}`));
    }
    inGroup++;
    total++;
    if (inGroup === limit.rows || meter.chars >= limit.chars) await flush();
  }
  if (inGroup > 0) await flush();
  return { rows: total, rowGroups };
}

/**
 * hyparquet-writer's byte writer, flushed to a file after each row group (its
 * `flush` hook) and at the end, so that the file never has to fit in memory.
 */
function fileWriter(writer: ByteWriter, file: FileHandle, beforeFinish: () => void): Writer {
  const flush = async (): Promise<void> => {
    const length = writer.index;
    let written = 0;
    while (written < length) {
      const { bytesWritten } = await file.write(new Uint8Array(writer.buffer, written, length - written));
      written += bytesWritten;
    }
    writer.index = 0;
  };
  const finish = async (): Promise<void> => {
    beforeFinish();
    await flush();
  };
  return Object.assign(writer, { flush, finish });
}
