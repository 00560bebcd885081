/**
 * Imported first by `bench/ops-gpu.ts`: in an ESM bundle (esbuild `--format=esm`) there is no
 * `require`, and tfjs-core's Node platform calls `require('util')` when it starts. esbuild's
 * shim looks for a global `require` at call time; this provides one. (The package says
 * `"sideEffects": false`, so the importer must use {@link preludeDone} for esbuild to keep it.)
 */
import { createRequire } from 'node:module';

const g = globalThis as { require?: unknown };
if (typeof g.require !== 'function') g.require = createRequire(import.meta.url);

/** True once a global `require` exists. */
export const preludeDone: boolean = typeof g.require === 'function';
