/**
 * `src/backends/_gradients.generated.ts` must come from the installed tfjs-core: its
 * header records the version and a hash of the sources it was generated from.
 * Regenerate with `npx tsx test/backends/generate-gradients.ts`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coreVersion, GENERATED, sourceHash } from './generate-gradients.js';

const root = resolve(import.meta.dirname, '..', '..');
const REGENERATE = 'run `npx tsx test/backends/generate-gradients.ts` and review the diff';

describe('the generated tfjs-core gradients and chained ops', () => {
  const header = readFileSync(join(root, GENERATED), 'utf8').split('\n', 8).join('\n');

  it('match the installed tfjs-core version', () => {
    expect(header, REGENERATE).toContain(`// tfjs-core version: ${coreVersion()}\n`);
  });

  it("match the installed tfjs-core's gradient and chained-op sources", () => {
    expect(header, REGENERATE).toContain(`// source sha256: ${sourceHash()}\n`);
  });
});
