import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This module's own file: `__filename` in the CJS build (and under vitest), else `import.meta.url`. @internal */
export function ownFile(): string {
  if (typeof __filename === 'string' && __filename !== '') return __filename;
  return fileURLToPath(import.meta.url);
}

/** Where the worker lives and how to start it. @internal */
export interface WorkerLocation {
  readonly filename: string;
  /** Extra `execArgv` for the worker (the tsx loader when running from source). */
  readonly execArgv: readonly string[];
}

/**
 * Finds the worker next to `file` (this module's file): `worker.ts` from source
 * (tsx/vitest), `worker.cjs` beside a `.cjs` build, `worker.js` beside an ESM build;
 * also `pool/worker.*` when the pool's code was split into a chunk at `dist/`.
 * @internal
 */
export function locateWorker(file: string = ownFile()): WorkerLocation {
  const dir = dirname(file);
  const ext = file.endsWith('.ts') || file.endsWith('.mts') ? '.ts' : file.endsWith('.cjs') ? '.cjs' : '.js';
  const names = ext === '.ts' ? ['worker.ts'] : [`worker${ext}`, ext === '.cjs' ? 'worker.js' : 'worker.cjs'];
  const candidates = names.flatMap((n) => [join(dir, n), join(dir, 'pool', n)]);
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new Error(`srl-kit pool: cannot find the worker; looked for ${candidates.join(', ')}`);
  }
  const execArgv = found.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return { filename: found, execArgv };
}
