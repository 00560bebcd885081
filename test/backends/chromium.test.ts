/**
 * `srl-kit/backends` (the built ESM) in a real browser: headless Chromium with
 * `--enable-unsafe-webgpu` (a SwiftShader WebGPU adapter, no GPU needed) loads a page
 * bundled by esbuild (test/fixtures/backends/page.ts) and reports cpu, wasm and webgpu.
 * Served cross-origin isolated (COOP/COEP), so the wasm backend may use threads.
 * Needs `npm run build` and a Chromium (`chromium` on PATH, or SRL_CHROMIUM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { delimiter, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { policyLossArray, tokenLogProbsArray } from '../../src/ops/index.js';
import type { PageResult } from '../fixtures/backends/page.js';
import { isRequired } from './dawn.js';

const root = resolve(import.meta.dirname, '..', '..');
const wasmDist = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
const INSTALL = 'apt-get install -y --no-install-recommends chromium (or set SRL_CHROMIUM to a Chrome/Chromium binary)';

function findChromium(): string | undefined {
  const explicit = process.env['SRL_CHROMIUM'];
  if (explicit) return explicit;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(root, 'test', 'fixtures', 'backends', 'page.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    alias: { 'srl-kit/backends': join(root, 'dist', 'backends', 'index.js'), 'srl-kit/ops': join(root, 'dist', 'ops', 'index.js') },
    logLevel: 'silent',
  });
  return (result.outputFiles[0] as { text: string }).text;
}

type Results = Record<string, PageResult> & { crossOriginIsolated: boolean };

/** Serves the page, runs Chromium on it and returns what the page POSTs. */
async function runPage(chromium: string, script: string): Promise<{ results: Results; ms: number }> {
  const start = performance.now();
  let browser: ChildProcess | undefined;
  let server: Server | undefined;
  try {
    const results = await new Promise<Results>((resolvePage, reject) => {
      server = createServer((req, res) => {
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        const url = req.url ?? '/';
        if (req.method === 'POST' && url === '/result') {
          let body = '';
          req.on('data', (chunk: Buffer) => (body += chunk.toString()));
          req.on('end', () => {
            res.end();
            resolvePage(JSON.parse(body) as Results);
          });
        } else if (url === '/') {
          res.setHeader('Content-Type', 'text/html');
          res.end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
        } else if (url === '/page.js') {
          res.setHeader('Content-Type', 'text/javascript');
          res.end(script);
        } else if (/^\/wasm\/[\w.-]+\.wasm$/.test(url) && existsSync(join(wasmDist, url.slice(6)))) {
          res.setHeader('Content-Type', 'application/wasm');
          res.end(readFileSync(join(wasmDist, url.slice(6))));
        } else {
          res.statusCode = 404;
          res.end();
        }
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server?.address() as { port: number };
        // --enable-unsafe-swiftshader: WebGL on SwiftShader (no GPU), which Chromium no longer picks by itself.
        const args = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--no-first-run', `http://127.0.0.1:${port}/`];
        browser = spawn(chromium, args, { stdio: 'ignore' });
        browser.on('error', reject);
        browser.on('exit', (code) => reject(new Error(`${chromium} exited (${code}) before the page reported`)));
      });
      setTimeout(() => reject(new Error('the page reported nothing within 45 s')), 45_000).unref();
    });
    return { results, ms: performance.now() - start };
  } finally {
    browser?.removeAllListeners('exit');
    browser?.kill('SIGTERM');
    server?.close();
  }
}

const chromium = findChromium();
const required = isRequired('chromium');
const page = chromium && existsSync(join(root, 'dist', 'backends', 'index.js')) ? await runPage(chromium, await bundlePage()) : undefined;
const reason = chromium ? 'dist/ is missing: run `npm run build` first' : `no Chromium here (${INSTALL})`;
const adapter = page?.results['webgpu']?.info?.adapter;
const where = page ? `${adapter?.vendor ?? '?'}/${adapter?.architecture ?? '?'}` : `${required ? 'MISSING' : 'SKIPPED'}: ${reason}`;
if (page) console.log(`[chromium] ${chromium}: page done in ${page.ms.toFixed(0)} ms; WebGPU adapter ${where}`);
else if (!required) console.warn(`[chromium] ${where}`);

if (process.env["SRL_DEBUG_PAGE"]) console.log(JSON.stringify(page?.results, null, 1));

describe('srl-kit/backends in headless Chromium', () => {
  it(`runs${required ? ' (required by SRL_REQUIRE_WEBGPU)' : ''}: ${where}`, () => {
    if (!page && required) throw new Error(`SRL_REQUIRE_WEBGPU: ${reason}`);
  });

  it.skipIf(!page).each(['cpu', 'wasm', 'webgpu', 'webgl'])(`%s: matMul and tf.grad (${where})`, (name) => {
    const result = page?.results[name] as PageResult;
    expect(result.error).toBeUndefined();
    expect(result.info?.name).toBe(name);
    expect(result.matMul).toEqual([17, 39]);
    expect(result.grad?.[0]).toBeCloseTo(1, 5);
    expect(result.grad?.[1]).toBeCloseTo(Math.E, 4);
  });

  it.skipIf(!page)(`cpu: the page's loss equals the float64 array ops on the same inputs (${where})`, () => {
    // The inputs of lossAndGrad() in test/fixtures/backends/page.ts, recomputed here in float64.
    const logits = Array.from({ length: 30 }, (_, i) => Math.fround(Math.sin(i * 1.7) * 2));
    const logProbs = tokenLogProbsArray(logits, [0, 3, 1, 4, 2, 2], [6, 5]);
    const oldLogProbs = [-1.9, -1.2, -1.7, -1.4, -2.2, 0].map(Math.fround);
    const { loss } = policyLossArray(
      { logProbs, oldLogProbs, advantages: [0.8, -1.1].map(Math.fround), mask: [1, 1, 1, 1, 1, 0], shape: [2, 3] },
      { loss: 'ppo', clipHigh: 0.28 },
    );
    expect((page?.results['cpu'] as PageResult).loss).toBeCloseTo(loss, 6);
  });

  it.skipIf(!page).each(['wasm', 'webgpu', 'webgl'])(`%s: tokenLogProbs -> policyLoss and its gradient equal the cpu backend's (${where})`, (name) => {
    const cpu = page?.results['cpu'] as PageResult;
    const other = page?.results[name] as PageResult;
    expect(other.error).toBeUndefined();
    // The cpu value is checked against float64 above (and its gradients against float64
    // references in src/ops); the other backends must agree with it (float32 throughout).
    expect(Number.isFinite(cpu.loss)).toBe(true);
    expect(other.loss).toBeCloseTo(cpu.loss as number, 5);
    expect(other.lossGrad).toHaveLength(30);
    const worst = Math.max(...(other.lossGrad as number[]).map((g, i) => Math.abs(g - (cpu.lossGrad as number[])[i]!)));
    expect(worst).toBeLessThan(1e-5);
    expect((cpu.lossGrad as number[]).slice(25)).toEqual([0, 0, 0, 0, 0]); // the padded token gets no gradient
  });

  it.skipIf(!page)(`wasm reports SIMD, and threads exactly when the page is cross-origin isolated (${where})`, () => {
    const info = page?.results['wasm']?.info;
    expect(info?.simd).toBe(true);
    expect(info?.threads).toBe(page?.results.crossOriginIsolated);
  });

  it.skipIf(!page)(`webgpu reports the adapter (${where})`, () => {
    const info = page?.results['webgpu']?.info;
    expect(info?.adapter?.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(typeof info?.adapter?.isFallbackAdapter).toBe('boolean');
  });
});
