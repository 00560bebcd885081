import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
 * Finds the worker entry `<module>/<entry>.*` (default `pool/worker.*`) from `file` (this module's file, or the
 * chunk it was bundled into): `worker.ts` from source (tsx/vitest), `worker.cjs` beside
 * a `.cjs` build, `worker.js` beside an ESM build. Looks in `file`'s folder when that is
 * `<module>`, in `<folder>/<module>` (a chunk at `dist/`) and in `<folder>/../<module>`
 * (a sibling module's folder, e.g. `dist/pool` -> `dist/server`).
 * @internal
 */
export function locateWorker(file: string = ownFile(), module: 'pool' | 'server' = 'pool', entry: 'worker' | 'cluster-worker' = 'worker'): WorkerLocation {
  const dir = dirname(file);
  const ext = file.endsWith('.ts') || file.endsWith('.mts') ? '.ts' : file.endsWith('.cjs') ? '.cjs' : '.js';
  const names = ext === '.ts' ? [`${entry}.ts`] : [`${entry}${ext}`, `${entry}${ext === '.cjs' ? '.js' : '.cjs'}`];
  const dirs = [...(basename(dir) === module ? [dir] : []), join(dir, module), join(dir, '..', module)];
  const candidates = names.flatMap((n) => dirs.map((d) => join(d, n)));
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new Error(`srl-kit ${module}: cannot find the ${entry === 'worker' ? 'worker' : entry}; looked for ${candidates.join(', ')}`);
  }
  const execArgv = found.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return { filename: found, execArgv };
}
