import type * as Tfc from '@tensorflow/tfjs-core';
import { importComputed, isNode } from './runtime.js';
import type { PeerPackage, UseBackendOptions } from './types.js';

/** The tfjs-core namespace. @internal */
export type TfCore = typeof Tfc;

/**
 * The command that installs an optional peer package.
 * @internal
 */
export function installCommand(pkg: PeerPackage): string {
  return `npm install ${pkg}`;
}

/** True when `error` says that `pkg` itself (not some module it imports) is missing. */
function isPackageMissing(error: unknown, pkg: string): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  // Node names the missing specifier: "Cannot find package 'webgpu' imported from ...".
  const named = message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`);
  if (!named) return false;
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find (module|package)|could not resolve|failed to resolve module specifier/i.test(message)
  );
}

/**
 * Loads an optional peer package: `importer` when given, else a computed `import()`.
 *
 * @param pkg - The package.
 * @param purpose - What needs it, for the error message (e.g. `useBackend('wasm')`).
 * @param importer - Replaces the default import.
 * @throws Error naming the package and saying `npm install <pkg>` when it is not installed.
 * @internal
 */
export async function loadPeer(pkg: PeerPackage, purpose: string, importer?: () => Promise<unknown>): Promise<unknown> {
  try {
    return await (importer ?? (() => importComputed(pkg)))();
  } catch (error) {
    if (isPackageMissing(error, pkg)) {
      throw new Error(`${purpose} needs the optional peer dependency ${pkg}, which is not installed: ${installCommand(pkg)}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * The module object of a CommonJS package loaded through `import()` carries its
 * exports both as names and as `default`; an ESM build has only the names.
 */
function unwrap<T extends object>(mod: unknown, marker: string): T {
  const ns = mod as Record<string, unknown> | null;
  if (ns && marker in ns) return ns as T;
  const fallback = ns?.['default'] as Record<string, unknown> | undefined;
  if (fallback && marker in fallback) return fallback as T;
  throw new Error(`the loaded module has no '${marker}' export: is it the right package and version?`);
}

/**
 * Loads `@tensorflow/tfjs-core` (a literal `import()`, so bundlers include it).
 *
 * @param importers - {@link UseBackendOptions.importers}.
 * @throws Error saying `npm install @tensorflow/tfjs-core` when it is not installed.
 * @internal
 */
export async function loadTfjsCore(importers?: UseBackendOptions['importers']): Promise<TfCore> {
  const pkg = '@tensorflow/tfjs-core';
  const mod = await loadPeer(pkg, 'srl-kit/backends', importers?.[pkg] ?? (() => import('@tensorflow/tfjs-core')));
  return unwrap<TfCore>(mod, 'version_core');
}

/**
 * Loads an optional package and returns its exports (unwrapping a CommonJS `default`).
 *
 * @param pkg - The package.
 * @param marker - An export the package must have.
 * @param purpose - What needs it, for the error message.
 * @param importers - {@link UseBackendOptions.importers}.
 * @internal
 */
export async function loadModule<T extends object>(
  pkg: PeerPackage,
  marker: string,
  purpose: string,
  importers?: UseBackendOptions['importers'],
): Promise<T> {
  return unwrap<T>(await loadPeer(pkg, purpose, importers?.[pkg]), marker);
}

/**
 * The message for an option that needs the backend package's exports in a browser
 * app that registered the backend itself.
 * @internal
 */
export const NEEDS_IMPORTER = (name: string, pkg: PeerPackage): string =>
  `useBackend('${name}'): these options need ${pkg} itself; pass importers: { '${pkg}': () => import('${pkg}') }`;

/**
 * Loads a backend's package. In a browser, where the default computed `import()`
 * cannot resolve a bare specifier, a backend that the app registered itself (by
 * importing the package) is used as it is: the result is then `undefined`.
 * @internal
 */
export async function loadBackendPackage<T extends object>(
  tf: TfCore,
  name: string,
  pkg: PeerPackage,
  marker: string,
  options: UseBackendOptions,
): Promise<T | undefined> {
  const registered = tf.findBackendFactory(name) != null;
  try {
    return await loadModule<T>(pkg, marker, `useBackend('${name}')`, options.importers);
  } catch (error) {
    if (registered && !isNode() && options.importers?.[pkg] === undefined) return undefined;
    throw error;
  }
}
