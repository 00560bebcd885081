/**
 * `srl-kit/backends` as built (`npm run build`; `npm test` does it first), run in
 * child Node processes: ESM `import` and CJS `require`, each next to the user's own
 * `@tensorflow/tfjs-core`. Checks that gradients and chained ops work, that there is
 * one tfjs-core (the backend srl-kit sets is the one the user sees; one tf-core file
 * loaded), that the wasm binaries are found from `dist/` in both formats, and that a
 * missing optional package fails with `npm install <pkg>`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const wasmDist = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/';

interface Report {
  info: { name: string; simd: boolean; threads: boolean; tfjsVersion: string };
  grad: number[];
  chained: number;
  userBackend: string;
  userHasExpGradient: boolean;
  coreFiles: string[];
  wasmPaths: unknown[];
}

/** The body both formats run once `tf`, `useBackend`, `require` and `wasm` exist. */
const BODY = `
const calls = [];
const setWasmPaths = wasm.setWasmPaths;
wasm.setWasmPaths = (...args) => { calls.push(args[0]); return setWasmPaths(...args); };
(async () => {
  const info = await useBackend('wasm');
  const g = tf.grad((x) => tf.exp(x).sum())(tf.tensor1d([0, 1]));
  const coreFiles = Object.keys(require.cache).filter((k) => /tfjs-core[\\\\/]dist[\\\\/]/.test(k)).map((k) => k.replace(/^.*tfjs-core[\\\\/]/, ''));
  console.log(JSON.stringify({
    info, grad: Array.from(await g.data()), chained: tf.tensor1d([1, 2]).square().sum().dataSync()[0],
    userBackend: tf.getBackend(), userHasExpGradient: tf.getGradient('Exp') != null, coreFiles, wasmPaths: calls,
  }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

const ESM = `
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { useBackend } from 'srl-kit/backends';
const require = createRequire(import.meta.url);
const wasm = require('@tensorflow/tfjs-backend-wasm');
${BODY}`;

const CJS = `
const tf = require('@tensorflow/tfjs-core');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const { useBackend } = require('srl-kit/backends');
${BODY}`;

function node(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, args, { cwd, encoding: 'utf8', stdio: 'pipe', timeout: 30_000 });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function report(args: string[]): Report {
  const { code, stdout, stderr } = node(args, root);
  if (code !== 0) throw new Error(`node exited with ${code}:\n${stderr}`);
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Report;
}

let consumer = '';

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'backends', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  // A consumer whose node_modules has srl-kit (a copy of the build) and every
  // dependency except @tensorflow/tfjs-backend-wasm and webgpu.
  consumer = mkdtempSync(join(tmpdir(), 'srl-kit-backends-'));
  const modules = join(consumer, 'node_modules');
  mkdirSync(join(modules, '@tensorflow'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === '@tensorflow' || name === 'webgpu' || name.startsWith('.')) continue;
    symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
  for (const name of readdirSync(join(root, 'node_modules', '@tensorflow'))) {
    if (name === 'tfjs-backend-wasm') continue;
    symlinkSync(join(root, 'node_modules', '@tensorflow', name), join(modules, '@tensorflow', name));
  }
  mkdirSync(join(modules, 'srl-kit'));
  cpSync(join(root, 'package.json'), join(modules, 'srl-kit', 'package.json'));
  cpSync(join(root, 'dist'), join(modules, 'srl-kit', 'dist'), { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
});

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

describe('srl-kit/backends, built', () => {
  it.each([
    ['ESM import', ['--input-type=module', '-e', ESM]],
    ['CJS require', ['--input-type=commonjs', '-e', CJS]],
  ])('%s: tf.grad and x.sum() work on wasm, with one tfjs-core and the wasm files found from dist', (_format, args) => {
    const r = report(args);
    expect(r.info).toMatchObject({ name: 'wasm', simd: true, threads: false });
    expect(r.grad[0]).toBeCloseTo(1, 6);
    expect(r.grad[1]).toBeCloseTo(Math.E, 5);
    expect(r.chained).toBe(5);
    expect(r.userBackend).toBe('wasm'); // the user's own tfjs-core import sees srl-kit's backend
    expect(r.userHasExpGradient).toBe(true);
    expect(r.coreFiles).toEqual(['dist/tf-core.node.js']); // one tfjs-core, loaded once
    expect(r.wasmPaths).toEqual([wasmDist]); // resolved via import.meta.url (CJS: tsup's shim)
  });

  it.each([
    ['ESM import', '--input-type=module', "import { useBackend } from 'srl-kit/backends';"],
    ['CJS require', '--input-type=commonjs', "const { useBackend } = require('srl-kit/backends');"],
  ])('%s: a missing backend package fails with npm install <pkg>', (_format, type, load) => {
    const script = `${load}
(async () => {
  const messages = [];
  for (const name of ['wasm', 'webgpu']) {
    try { await useBackend(name); messages.push('no error'); } catch (e) { messages.push(e.message); }
  }
  console.log(JSON.stringify(messages));
})();`;
    const { code, stdout, stderr } = node([type, '-e', script], consumer);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout.trim())).toEqual([
      "useBackend('wasm') needs the optional peer dependency @tensorflow/tfjs-backend-wasm, which is not installed: npm install @tensorflow/tfjs-backend-wasm",
      "useBackend('webgpu') in Node needs the optional peer dependency webgpu, which is not installed: npm install webgpu",
    ]);
  });
});
