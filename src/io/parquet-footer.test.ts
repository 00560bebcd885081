import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixEmptyRowGroups } from './parquet-footer.js';
import { writeParquet } from './write-parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-kit-parquet-footer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The footer's thrift bytes (a view into the file). */
function footer(file: Uint8Array): Uint8Array {
  const end = file.length - 8;
  const length = new DataView(file.buffer, file.byteOffset, file.length).getUint32(end, true);
  return file.subarray(end - length, end);
}

describe('fixEmptyRowGroups', () => {
  it("gives an empty row_groups list hyparquet-writer's output the STRUCT element type", () => {
    const file = new Uint8Array(
      parquetWriteBuffer({
        columnData: [{ name: 'a', data: [], type: 'STRING' }],
        kvMetadata: [{ key: 'k', value: 'v' }],
      }),
    );
    const before = Uint8Array.from(file);
    expect(fixEmptyRowGroups(footer(file))).toBe(true);
    const changed = file.reduce<number[]>((at, b, i) => (b !== before[i] ? [...at, i] : at), []);
    expect(changed).toHaveLength(1);
    // Size 0 and element type 0 (hyparquet-writer's `elemType ?? BYTE` keeps the 0), then STRUCT.
    expect([before[changed[0]!], file[changed[0]!]]).toEqual([0x00, 0x0c]);
    expect(fixEmptyRowGroups(footer(file))).toBe(false); // already fixed
    const metadata = parquetMetadata(file.buffer);
    expect(metadata.row_groups).toEqual([]);
    expect(metadata.key_value_metadata).toEqual([{ key: 'k', value: 'v' }]);
  });

  it('leaves files with row groups as they are', () => {
    const file = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: ['x', 'y'], type: 'STRING' }] }));
    const before = Uint8Array.from(file);
    expect(fixEmptyRowGroups(footer(file))).toBe(false);
    expect(file).toEqual(before);
  });

  it('is applied by writeParquet to files with no rows', async () => {
    const path = join(dir, 'empty.parquet');
    await writeParquet([], path, { schema: [{ name: 'a', type: { list: 'string' } }], metadata: { k: 'v' } });
    const file = new Uint8Array(readFileSync(path));
    expect(fixEmptyRowGroups(footer(file))).toBe(false);
    expect(parquetMetadata(file.buffer).num_rows).toBe(0n);
  });

  it('rejects truncated metadata', () => {
    expect(() => fixEmptyRowGroups(new Uint8Array([0x15]))).toThrow(/unexpected end/);
  });
});
