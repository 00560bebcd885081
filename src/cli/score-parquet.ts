import { writeParquet, type ParquetField, type ParquetSchema, type ParquetType } from '../io/index.js';
import { pathIndex, pathKey } from '../trajectory/_json-path.js';
import { foundValue, TrajectoryError } from '../trajectory/trajectory-error.js';

/** How many rows decide the Parquet columns of `srl score -o x.parquet`. */
export const SCHEMA_SAMPLE_ROWS = 1000;

/** A row to write and the input line it came from (for errors). */
export interface LinedRow {
  readonly row: Record<string, unknown>;
  readonly line: number;
}

/** The type of a JSON value as far as the rows seen so far tell it. */
type Shape =
  | { readonly kind: 'null' | 'boolean' | 'integer' | 'number' | 'string' }
  | { readonly kind: 'list'; readonly element: Shape }
  | { readonly kind: 'struct'; readonly fields: Map<string, Shape> };

const NULL: Shape = { kind: 'null' };

/** Where a row is and how the message explains the column types. */
interface Context {
  readonly source: string;
  readonly line: number;
  /** Why a value must have this type: said after "expected <type>". */
  readonly why: string;
}

const ADVICE = 'write .jsonl for rows whose types vary';

/**
 * Writes `srl score`'s rows as Parquet. The rows are free-form JSON, so the columns
 * come from the first {@link SCHEMA_SAMPLE_ROWS} rows (their keys, in the order first
 * seen, and nested keys of objects): strings are `string`, booleans `boolean`,
 * numbers `int64` when all of them are integers and `double` otherwise (`reward` is
 * always `double`), arrays lists and objects structs; a column that is null in all of
 * them is a string column of nulls. Every value may be null or missing.
 *
 * Nothing is coerced or dropped: a value whose type differs from its column's (a
 * string where the first rows had numbers, a non-integer in an integer column, an
 * object with a key the first rows did not have) stops the run with a
 * `TrajectoryError` naming the input line and the JSON path. The file is written
 * atomically: on any error nothing is left at `path`.
 *
 * @param rows - The scored rows with their input line numbers.
 * @param path - The Parquet file.
 * @param source - The input file, for errors.
 * @param empty - The columns of a file with no rows: the output and target fields.
 * @returns How many rows were written.
 * @throws TrajectoryError naming the line and path of a value that does not fit.
 * @example
 * ```ts
 * await writeScoredParquet(linedRows, 'scored.parquet', 'rollouts.jsonl', { outputField: 'output', targetField: 'target' });
 * //=> { rows: 1000 }   columns: output string, target string, reward double, format_ok boolean, format_reason string
 * ```
 */
export async function writeScoredParquet(
  rows: AsyncIterable<LinedRow>,
  path: string,
  source: string,
  empty: { readonly outputField: string; readonly targetField: string },
): Promise<{ rows: number }> {
  const iterator = rows[Symbol.asyncIterator]();
  const sample: LinedRow[] = [];
  let shape: Shape = { kind: 'struct', fields: new Map() };
  try {
    while (sample.length < SCHEMA_SAMPLE_ROWS) {
      const next = await iterator.next();
      if (next.done === true) break;
      const ctx = { source, line: next.value.line, why: `the Parquet column's type, from the rows above; ${ADVICE}` };
      shape = absorb(shape, next.value.row, '$', ctx);
      sample.push(next.value);
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  const schema: ParquetSchema =
    sample.length === 0
      ? [
          { name: empty.outputField, type: 'string' },
          { name: empty.targetField, type: 'string' },
          { name: 'reward', type: 'double' },
          { name: 'format_ok', type: 'boolean' },
          { name: 'format_reason', type: 'string' },
        ]
      : toSchema(shape, source, sample.length);
  const checked = sample.length === 0 ? undefined : withRewardAsNumber(shape);
  const why = `the Parquet column's type, from the first ${sample.length} rows; ${ADVICE}`;
  async function* all(): AsyncGenerator<Record<string, unknown>, void, undefined> {
    try {
      for (const r of sample) yield r.row;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        if (checked !== undefined) conform(checked, next.value.row, '$', { source, line: next.value.line, why });
        yield next.value.row;
      }
    } finally {
      // Stopped early (an error): close the input too.
      await iterator.return?.();
    }
  }
  const written = await writeParquet(all(), path, { schema });
  return { rows: written.rows };
}

/** `shape` widened to take `value` too; a value of another kind is an error. */
function absorb(shape: Shape, value: unknown, path: string, ctx: Context): Shape {
  if (value === null || value === undefined) return shape;
  const kind = kindOf(value);
  if (shape.kind === 'null') return absorb(fresh(kind), value, path, ctx);
  if (kind === 'integer' && shape.kind === 'number') return shape;
  if (kind === 'number' && shape.kind === 'integer') return { kind: 'number' };
  if (shape.kind !== kind) throw mismatch(shape, value, path, ctx);
  if (shape.kind === 'list') {
    let element = shape.element;
    (value as unknown[]).forEach((v, i) => {
      element = absorb(element, v, pathIndex(path, i), ctx);
    });
    return element === shape.element ? shape : { kind: 'list', element };
  }
  if (shape.kind === 'struct') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (key === '') {
        throw new TrajectoryError({ ...at(ctx), path, expected: 'keys that are not empty (Parquet column names)', found: 'an empty key' });
      }
      shape.fields.set(key, absorb(shape.fields.get(key) ?? NULL, v, pathKey(path, key), ctx));
    }
  }
  return shape;
}

function fresh(kind: Shape['kind']): Shape {
  if (kind === 'list') return { kind, element: NULL };
  if (kind === 'struct') return { kind, fields: new Map() };
  return { kind };
}

function kindOf(value: unknown): Shape['kind'] {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'number';
  if (Array.isArray(value)) return 'list';
  return 'struct';
}

/** Checks that `value` fits `shape` (every value may be null); throws naming the line and path. */
function conform(shape: Shape, value: unknown, path: string, ctx: Context): void {
  if (value === null || value === undefined) return;
  const kind = kindOf(value);
  const fits = kind === shape.kind || (kind === 'integer' && shape.kind === 'number');
  if (!fits) throw mismatch(shape, value, path, ctx);
  if (shape.kind === 'list') {
    (value as unknown[]).forEach((v, i) => conform(shape.element, v, pathIndex(path, i), ctx));
  } else if (shape.kind === 'struct') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const field = shape.fields.get(key);
      if (field === undefined) {
        throw new TrajectoryError({
          ...at(ctx),
          path,
          expected: `only the keys of the first rows (${[...shape.fields.keys()].join(', ')}; they are the Parquet columns; ${ADVICE.replace('types', 'keys')})`,
          found: `the key ${JSON.stringify(key)}`,
        });
      }
      conform(field, v, pathKey(path, key), ctx);
    }
  }
}

function at(ctx: Context): { source: string; line: number } {
  return { source: ctx.source, line: ctx.line };
}

function mismatch(shape: Shape, value: unknown, path: string, ctx: Context): TrajectoryError {
  return new TrajectoryError({ ...at(ctx), path, expected: `${describe(shape)} (${ctx.why})`, found: foundValue(value) });
}

function describe(shape: Shape): string {
  switch (shape.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'a boolean';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'list':
      return 'an array';
    case 'struct':
      return 'an object';
  }
}

/** The shape with `reward` (a number or an array of numbers) a number even when the first rows' rewards were all integers (-1, 1). */
function withRewardAsNumber(shape: Shape): Shape {
  if (shape.kind !== 'struct') return shape;
  const reward = shape.fields.get('reward');
  if (reward?.kind === 'integer') shape.fields.set('reward', { kind: 'number' });
  if (reward?.kind === 'list' && reward.element.kind === 'integer') shape.fields.set('reward', { kind: 'list', element: { kind: 'number' } });
  return shape;
}

/** The Parquet columns of the rows' shape. */
function toSchema(shape: Shape, source: string, rows: number): ParquetSchema {
  const root = withRewardAsNumber(shape);
  if (root.kind !== 'struct') throw new Error('rows are objects');
  return fields(root, '$', source, rows);
}

function fields(shape: Extract<Shape, { kind: 'struct' }>, path: string, source: string, rows: number): ParquetField[] {
  return [...shape.fields].map(([name, s]) => ({ name, type: parquetType(s, pathKey(path, name), source, rows) }));
}

function parquetType(shape: Shape, path: string, source: string, rows: number): ParquetType {
  switch (shape.kind) {
    case 'null':
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'int64';
    case 'number':
      return 'double';
    case 'list':
      return { list: parquetType(shape.element, `${path}[]`, source, rows) };
    case 'struct':
      if (shape.fields.size === 0) {
        throw new TrajectoryError({
          source,
          path,
          expected: 'an object with at least one key (Parquet has no empty structs)',
          found: `only empty objects in the first ${rows} rows`,
        });
      }
      return { struct: fields(shape, path, source, rows) };
  }
}
