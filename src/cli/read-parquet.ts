import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { TrajectoryError } from '../trajectory/trajectory-error.js';

/** What {@link openParquet} found in a Parquet file's footer. */
export interface ParquetFileInfo {
  /** Rows in the file (the footer's count). */
  readonly rows: number;
  /** Rows of each row group, in order. */
  readonly rowGroups: readonly number[];
  /** The top-level column names, in order. */
  readonly columns: readonly string[];
  /** The rows as objects, one row group in memory at a time. */
  readonly records: () => AsyncGenerator<Record<string, unknown>, void, undefined>;
}

/**
 * Whether a path names a Parquet file (ends in `.parquet`, any case).
 * @param path - A file path.
 * @returns Whether `srl inspect` reads it as Parquet.
 * @example
 * ```ts
 * isParquetPath('train.parquet'); //=> true
 * isParquetPath('train.jsonl');   //=> false
 * ```
 */
export function isParquetPath(path: string): boolean {
  return /\.parquet$/i.test(path);
}

/**
 * Opens a Parquet file with hyparquet: reads and checks its footer, and returns
 * its row count, row groups and columns, and a reader that yields its rows as
 * objects one row group at a time (only that row group's bytes are read), so a
 * file of any size is read in the memory of its largest row group.
 *
 * Values come back as hyparquet decodes them: strings, numbers, `bigint` for
 * `int64`, `null`, arrays for lists and objects for structs.
 *
 * @param path - The Parquet file.
 * @returns The footer's facts and the row reader.
 * @throws TrajectoryError naming the file when it is not Parquet (no `PAR1` footer, a
 *   truncated file, an unreadable footer), and, from the reader, naming the row group
 *   whose data cannot be decoded.
 * @throws The file system's error when the file cannot be opened.
 * @example
 * ```ts
 * const file = await openParquet('train.parquet');
 * file.rows;           //=> 14
 * file.rowGroups;      //=> [14]
 * for await (const row of file.records()) row['prompt']; // [{ role, content }, ...]
 * ```
 */
export async function openParquet(path: string): Promise<ParquetFileInfo> {
  // hyparquet is ESM-only: a dynamic import also works from the CommonJS build.
  const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
  const file = await asyncBufferFromFile(path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (cause) {
    throw new TrajectoryError(
      { source: path, expected: 'a Parquet file (a footer that ends in "PAR1")', found: `${file.byteLength} bytes that are not one (${messageOf(cause)})` },
      { cause },
    );
  }
  const rowGroups = metadata.row_groups.map((g) => Number(g.num_rows));
  const columns = topLevelColumns(metadata);
  return {
    rows: Number(metadata.num_rows),
    rowGroups,
    columns,
    records: () => readRowGroups(path, file, metadata, rowGroups),
  };
}

async function* readRowGroups(
  path: string,
  file: AsyncBuffer,
  metadata: FileMetaData,
  rowGroups: readonly number[],
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  const { parquetReadObjects } = await import('hyparquet');
  let rowStart = 0;
  for (let i = 0; i < rowGroups.length; i++) {
    const rowEnd = rowStart + (rowGroups[i] as number);
    let rows: Record<string, unknown>[];
    try {
      rows = rowEnd > rowStart ? await parquetReadObjects({ file, metadata, rowStart, rowEnd }) : [];
    } catch (cause) {
      throw new TrajectoryError(
        {
          source: path,
          path: `row group ${i} (rows ${rowStart} to ${rowEnd - 1})`,
          expected: 'column data that hyparquet can decode',
          found: `the error: ${messageOf(cause)}`,
        },
        { cause },
      );
    }
    if (rows.length !== rowEnd - rowStart) {
      throw new TrajectoryError({
        source: path,
        path: `row group ${i}`,
        expected: `${rowEnd - rowStart} rows (the footer's count)`,
        found: `${rows.length}`,
      });
    }
    yield* rows;
    rowStart = rowEnd;
  }
}

/** The names of the schema's top-level fields (the root's children, skipping nested ones). */
function topLevelColumns(metadata: FileMetaData): string[] {
  const [root, ...rest] = metadata.schema;
  const names: string[] = [];
  let i = 0;
  for (let c = 0; c < (root?.num_children ?? 0) && i < rest.length; c++) {
    const element = rest[i];
    if (element === undefined) break;
    names.push(element.name);
    i = skipSubtree(rest, i);
  }
  return names;
}

/** The index after the schema element at `i` and all its descendants (depth first). */
function skipSubtree(elements: FileMetaData['schema'], i: number): number {
  const children = elements[i]?.num_children ?? 0;
  let next = i + 1;
  for (let c = 0; c < children; c++) next = skipSubtree(elements, next);
  return next;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
