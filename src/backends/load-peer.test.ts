import type { PeerPackage } from './types.js';
import { describe, expect, it } from 'vitest';
import { installCommand, loadModule, loadPeer, loadTfjsCore } from './load-peer.js';

/** An error shaped like Node's for a bare specifier that is not installed. */
function notFound(pkg: string, code = 'ERR_MODULE_NOT_FOUND'): Error {
  return Object.assign(new Error(`Cannot find package '${pkg}' imported from /app/index.js`), { code });
}

describe('loadPeer', () => {
  it('names the missing package and the npm command (ESM and CJS error codes)', async () => {
    for (const code of ['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']) {
      const error = await loadPeer('webgpu', "useBackend('webgpu')", () => Promise.reject(notFound('webgpu', code))).catch(
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(
        "useBackend('webgpu') needs the optional peer dependency webgpu, which is not installed: npm install webgpu",
      );
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('rethrows other failures as they are, including a missing module inside the package', async () => {
    const inner = notFound('seedrandom');
    await expect(loadPeer('@tensorflow/tfjs-core', 'x', () => Promise.reject(inner))).rejects.toBe(inner);
    const broken = new SyntaxError('Unexpected token');
    await expect(loadPeer('webgpu', 'x', () => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('really fails for a package that is not installed (Node\'s own error, recognised)', async () => {
    // Every real peer is a devDependency here, so a name that exists nowhere stands in for one.
    const absent = 'srl-kit-absent-peer' as PeerPackage;
    await expect(loadPeer(absent, "useBackend('x')")).rejects.toThrow('npm install srl-kit-absent-peer');
  });

  it('installCommand is the exact command', () => {
    expect(installCommand('@tensorflow/tfjs-backend-wasm')).toBe('npm install @tensorflow/tfjs-backend-wasm');
  });
});

describe('loadModule', () => {
  it('unwraps the default export of a CommonJS module loaded through import()', async () => {
    const cjs = { default: { create: () => 1 } };
    const mod = await loadModule<{ create: () => number }>('webgpu', 'create', 'x', { webgpu: async () => cjs });
    expect(mod.create()).toBe(1);
  });

  it('rejects a module without the expected export', async () => {
    await expect(loadModule('webgpu', 'create', 'x', { webgpu: async () => ({ other: 1 }) })).rejects.toThrow(
      "the loaded module has no 'create' export",
    );
  });
});

describe('loadTfjsCore', () => {
  it('returns the tfjs-core namespace', async () => {
    const tf = await loadTfjsCore();
    expect(typeof tf.version_core).toBe('string');
    expect(typeof tf.grad).toBe('function');
  });

  it('says npm install @tensorflow/tfjs-core when it is missing', async () => {
    const importers = { '@tensorflow/tfjs-core': () => Promise.reject(notFound('@tensorflow/tfjs-core')) };
    await expect(loadTfjsCore(importers)).rejects.toThrow('npm install @tensorflow/tfjs-core');
  });
});
