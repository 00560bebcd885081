/**
 * True in Node (and runtimes that imitate it, such as Bun and Deno), where the Dawn
 * `webgpu` package and file paths for the wasm binaries apply.
 * @internal
 */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string' && !('document' in globalThis);
}

/**
 * `import()` with a computed specifier: bundlers neither follow nor resolve it, so an
 * optional package that is not installed does not break a browser build. Node (ESM
 * and the CommonJS build, which keeps `import()`) resolves it from this package.
 * @internal
 */
export function importComputed(specifier: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<unknown>;
}
