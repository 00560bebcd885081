/**
 * A fix for Parquet files with no row groups written by hyparquet-writer (0.17): it
 * writes an empty thrift list with element type 0 (its `elemType ?? BYTE` keeps the
 * 0), and readers built on arrow-rs (parquet-wasm, and likely polars, DataFusion,
 * delta-rs) reject `FileMetaData.row_groups` unless its element type is STRUCT, even
 * when it is empty ("Expected list element type of Struct but got Byte"). Patched in
 * place. (Empty key-value metadata has the same problem: `writeParquet` never passes it.)
 * @internal
 */

// Thrift compact protocol types.
const STOP = 0;
const BOOLEAN_TRUE = 1;
const BOOLEAN_FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

/** `FileMetaData.row_groups` is field 4. */
const ROW_GROUPS_FIELD = 4;

/**
 * Sets the element type of an empty `row_groups` list to STRUCT in a serialized
 * `FileMetaData` (the footer's thrift bytes). Returns whether it changed a byte.
 * @internal
 */
export function fixEmptyRowGroups(metadata: Uint8Array): boolean {
  let pos = 0;
  let fieldId = 0;
  for (;;) {
    const header = byteAt(metadata, pos++);
    const type = header & 0x0f;
    if (type === STOP) return false;
    if (header >> 4 === 0) pos = skipVarint(metadata, pos);
    fieldId = header >> 4 === 0 ? fieldId : fieldId + (header >> 4);
    if (fieldId === ROW_GROUPS_FIELD && type === LIST) {
      const list = byteAt(metadata, pos);
      if (list >> 4 !== 0 || (list & 0x0f) === STRUCT) return false;
      metadata[pos] = STRUCT; // size 0, element type STRUCT
      return true;
    }
    pos = skipValue(metadata, pos, type);
  }
}

function byteAt(bytes: Uint8Array, pos: number): number {
  const b = bytes[pos];
  if (b === undefined) throw new Error('parquet footer: unexpected end of the metadata');
  return b;
}

function skipVarint(bytes: Uint8Array, pos: number): number {
  while (byteAt(bytes, pos) & 0x80) pos++;
  return pos + 1;
}

function readVarint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = byteAt(bytes, pos++);
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, pos];
    shift += 7;
  }
}

/** The position after a value of a compact type. */
function skipValue(bytes: Uint8Array, pos: number, type: number): number {
  switch (type) {
    case BOOLEAN_TRUE:
    case BOOLEAN_FALSE:
      return pos;
    case BYTE:
      return pos + 1;
    case I16:
    case I32:
    case I64:
      return skipVarint(bytes, pos);
    case DOUBLE:
      return pos + 8;
    case BINARY: {
      const [length, at] = readVarint(bytes, pos);
      return at + length;
    }
    case LIST:
    case SET:
      return skipList(bytes, pos);
    case MAP:
      return skipMap(bytes, pos);
    case STRUCT:
      return skipStruct(bytes, pos);
    default:
      throw new Error(`parquet footer: unknown thrift type ${type}`);
  }
}

function skipList(bytes: Uint8Array, pos: number): number {
  const header = byteAt(bytes, pos++);
  let size = header >> 4;
  if (size === 15) [size, pos] = readVarint(bytes, pos);
  const element = header & 0x0f;
  for (let i = 0; i < size; i++) {
    // Booleans in a list take one byte each.
    pos = element === BOOLEAN_TRUE || element === BOOLEAN_FALSE ? pos + 1 : skipValue(bytes, pos, element);
  }
  return pos;
}

function skipMap(bytes: Uint8Array, pos: number): number {
  const [size, at] = readVarint(bytes, pos);
  pos = at;
  if (size === 0) return pos;
  const types = byteAt(bytes, pos++);
  for (let i = 0; i < size; i++) {
    pos = skipValue(bytes, pos, types >> 4);
    pos = skipValue(bytes, pos, types & 0x0f);
  }
  return pos;
}

function skipStruct(bytes: Uint8Array, pos: number): number {
  for (;;) {
    const header = byteAt(bytes, pos++);
    const type = header & 0x0f;
    if (type === STOP) return pos;
    if (header >> 4 === 0) pos = skipVarint(bytes, pos);
    pos = skipValue(bytes, pos, type);
  }
}
