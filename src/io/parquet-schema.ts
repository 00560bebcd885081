import type { SchemaElement } from 'hyparquet-writer';
import { describeType } from '../_lib/describe.js';
import { foundValue, TrajectoryError } from '../trajectory/trajectory-error.js';

/**
 * The type of a Parquet column or nested field, named after Arrow's:
 * - `'string'`: UTF-8 text (`BYTE_ARRAY`, logical type `STRING`);
 * - `'int64'` / `'int32'`: signed integers (JS numbers, or bigints for `int64`);
 * - `'double'`: 64-bit floats; `'boolean'`;
 * - `{ struct: fields }`: an object with those fields, in that order;
 * - `{ list: type }`: an array of that type (the standard three-level `LIST`, as
 *   pyarrow writes it: `list<element: type>`).
 */
export type ParquetType = 'string' | 'int64' | 'int32' | 'double' | 'boolean' | ParquetStructType | ParquetListType;

/** A struct {@link ParquetType}: an object with these fields. */
export interface ParquetStructType {
  /** The fields, in order (at least one). */
  readonly struct: readonly ParquetField[];
}

/** A list {@link ParquetType}: an array whose elements have this type (and may be null). */
export interface ParquetListType {
  /** The type of the elements. */
  readonly list: ParquetType;
}

/** One column (or one field of a struct) of a {@link ParquetSchema}. */
export interface ParquetField {
  /** The column or field name. */
  readonly name: string;
  /** Its type. */
  readonly type: ParquetType;
  /**
   * Whether it may be `null`/missing (default `true`, Arrow's and pyarrow's default,
   * so that files match those pandas or `datasets` write). `false` writes `REQUIRED`.
   */
  readonly nullable?: boolean | undefined;
}

/**
 * An explicit Parquet schema: the columns, in order. Rows are checked against it,
 * so every file written with one schema has exactly that schema, whatever the rows.
 * List elements are nullable, like pyarrow's.
 */
export type ParquetSchema = readonly ParquetField[];

/** Checks and converts one value of a field to what hyparquet-writer takes. @internal */
type Convert = (value: unknown, path: string) => unknown;

/** A schema ready to write: hyparquet's schema elements and one converter per column. @internal */
export interface CompiledSchema {
  readonly elements: SchemaElement[];
  readonly columns: readonly { readonly name: string; readonly convert: Convert }[];
  /** The total length of the strings converted so far (the converters add to it). */
  readonly meter: { chars: number };
}

/**
 * Turns a {@link ParquetSchema} into Parquet schema elements (depth first, the way
 * the footer stores them) and per-column checkers.
 * @internal
 */
export function compileSchema(schema: ParquetSchema, fn: string, source: string | undefined): CompiledSchema {
  if (!Array.isArray(schema) || schema.length === 0) {
    throw new TypeError(`${fn}: option 'schema' must be a non-empty array of fields, got ${describeType(schema)}`);
  }
  const elements: SchemaElement[] = [{ name: 'schema', num_children: schema.length }];
  const meter = { chars: 0 };
  const ctx: Context = { fn, source, meter };
  const columns = checkFields(schema, fn, 'schema').map((field) => ({
    name: field.name,
    convert: compileField(field, elements, ctx),
  }));
  return { elements, columns, meter };
}

/** What compiling needs besides the schema. */
interface Context {
  readonly fn: string;
  readonly source: string | undefined;
  readonly meter: { chars: number };
}

function checkFields(fields: readonly ParquetField[], fn: string, where: string): readonly ParquetField[] {
  const names = new Set<string>();
  for (const field of fields) {
    if (field === null || typeof field !== 'object' || typeof field.name !== 'string' || field.name === '') {
      throw new TypeError(`${fn}: every field of ${where} needs a non-empty 'name', got ${describeType(field)}`);
    }
    if (names.has(field.name)) throw new TypeError(`${fn}: ${where} has two fields named '${field.name}'`);
    names.add(field.name);
  }
  return fields;
}

function compileField(field: ParquetField, out: SchemaElement[], ctx: Context): Convert {
  const { source } = ctx;
  const nullable = field.nullable ?? true;
  const convert = compileType(field.name, field.type, nullable ? 'OPTIONAL' : 'REQUIRED', out, ctx);
  return (value, path) => {
    if (value === null || value === undefined) {
      if (nullable) return null;
      throw mismatch(source, path, 'a value (the field is not nullable)', value);
    }
    return convert(value, path);
  };
}

function compileType(
  name: string,
  type: ParquetType,
  repetition: 'OPTIONAL' | 'REQUIRED',
  out: SchemaElement[],
  ctx: Context,
): Convert {
  const { fn, source, meter } = ctx;
  if (typeof type === 'string') {
    const primitive = PRIMITIVES[type];
    if (primitive === undefined) throw new TypeError(`${fn}: field '${name}' has an unknown type ${JSON.stringify(type)}`);
    out.push({ name, repetition_type: repetition, ...primitive.element });
    if (type === 'string') {
      return (value, path) => {
        const text = primitive.convert(value, path, source) as string;
        meter.chars += text.length;
        return text;
      };
    }
    return (value, path) => primitive.convert(value, path, source);
  }
  if (type !== null && typeof type === 'object' && 'struct' in type) {
    const fields = checkFields(type.struct, fn, `struct '${name}'`);
    if (fields.length === 0) throw new TypeError(`${fn}: struct '${name}' has no fields`);
    out.push({ name, repetition_type: repetition, num_children: fields.length });
    const children = fields.map((f) => ({ name: f.name, convert: compileField(f, out, ctx) }));
    const copy = convertsValues(type);
    return (value, path) => {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(source, path, 'an object', value);
      const record = value as Record<string, unknown>;
      if (!copy) {
        // Nothing to convert: check, and hand the object on as it is (extra keys are not written).
        for (const child of children) child.convert(record[child.name], `${path}.${child.name}`);
        return record;
      }
      const converted: Record<string, unknown> = {};
      for (const child of children) converted[child.name] = child.convert(record[child.name], `${path}.${child.name}`);
      return converted;
    };
  }
  if (type !== null && typeof type === 'object' && 'list' in type) {
    out.push({ name, repetition_type: repetition, converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 });
    out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
    const element = compileField({ name: 'element', type: type.list, nullable: true }, out, ctx);
    const copy = convertsValues(type);
    return (value, path) => {
      if (!Array.isArray(value)) throw mismatch(source, path, 'an array', value);
      if (!copy) {
        for (let i = 0; i < value.length; i++) element(value[i], `${path}[${i}]`);
        return value;
      }
      const converted = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) converted[i] = element(value[i], `${path}[${i}]`);
      return converted;
    };
  }
  throw new TypeError(`${fn}: field '${name}' has an unknown type ${describeType(type)}`);
}

/** Whether values of a type must be converted (numbers to bigints for `int64`), not just checked. */
function convertsValues(type: ParquetType): boolean {
  if (typeof type === 'string') return type === 'int64';
  if ('struct' in type) return type.struct.some((f) => convertsValues(f.type));
  return convertsValues(type.list);
}

interface Primitive {
  readonly element: Omit<SchemaElement, 'name'>;
  readonly convert: (value: unknown, path: string, source: string | undefined) => unknown;
}

const PRIMITIVES: Readonly<Record<string, Primitive | undefined>> = {
  string: {
    element: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
    convert: (v, path, source) => {
      if (typeof v !== 'string') throw mismatch(source, path, 'a string', v);
      return v;
    },
  },
  int64: {
    element: { type: 'INT64' },
    convert: (v, path, source) => {
      if (typeof v === 'bigint' && BigInt.asIntN(64, v) === v) return v;
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw mismatch(source, path, 'an integer', v);
      return BigInt(v);
    },
  },
  int32: {
    element: { type: 'INT32' },
    convert: (v, path, source) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
        throw mismatch(source, path, 'a 32-bit integer', v);
      }
      return v;
    },
  },
  double: {
    element: { type: 'DOUBLE' },
    convert: (v, path, source) => {
      if (typeof v !== 'number') throw mismatch(source, path, 'a number', v);
      return v;
    },
  },
  boolean: {
    element: { type: 'BOOLEAN' },
    convert: (v, path, source) => {
      if (typeof v !== 'boolean') throw mismatch(source, path, 'a boolean', v);
      return v;
    },
  },
};

function mismatch(source: string | undefined, path: string, expected: string, value: unknown): TrajectoryError {
  return new TrajectoryError({ source, path, expected, found: value === undefined ? 'nothing' : foundValue(value) });
}
