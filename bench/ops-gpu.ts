/**
 * The ops benchmark for the GPU machine: the PPO loss and tokenLogProbs cases of
 * `bench/ops.ts` on tfjs-backend-webgpu through Dawn (fused WGSL kernels, and the composed
 * tfjs ops), at the sizes of the reference figures (PPO 1024 x 8192, logits 2048 x 32000),
 * plus the accuracy of the fused loss at 8M tokens against float64. Meant to be bundled into
 * one file (the machine has no node_modules; only the `webgpu` package stays outside):
 *
 *   npx esbuild bench/ops-gpu.ts --bundle --platform=node --format=esm --main-fields=module,main \
 *     --external:webgpu --outfile=dist-bench/gpu.mjs
 *   bash ../shared/device/prepare.sh dist-bench/gpu.mjs
 *   (device) bash .gpu/setup.sh node .gpu/gpu.mjs          # with carry [".gpu"]
 *
 * Writes `$OUT/ops-gpu.json` (or `./ops-gpu.json` without OUT) and prints a table. Without a
 * hardware adapter it says so, writes `{ adapter: null, reason }` and exits with code 0;
 * software adapters (lavapipe, llvmpipe, SwiftShader) count as none unless --allow-software.
 *
 * Options: --quick (small sizes), --rounds <n> (default 10), --no-composed,
 *          --allow-software, --dawn <flag> (e.g. backend=opengl; default: Vulkan, then OpenGL).
 */
import { preludeDone } from './ops-gpu-prelude.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendInfo, type UseBackendOptions } from '../src/backends/index.js';
import { FULL, QUICK, accuracyChecks, loadGc, timeBackend, type AccuracyCheck, type Timing } from './ops-lib.js';

/** Literal imports, so that esbuild bundles tfjs (and leaves `webgpu`, external, to Node). */
const importers: NonNullable<UseBackendOptions['importers']> = {
  '@tensorflow/tfjs-core': () => import('@tensorflow/tfjs-core'),
  '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu'),
  webgpu: () => import('webgpu'),
};

function isSoftware(info: BackendInfo): boolean {
  const a = info.adapter;
  return a === undefined || a.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader|software/i.test(`${a.description} ${a.architecture}`);
}

async function setUp(dawn: string | undefined, allowSoftware: boolean): Promise<{ info: BackendInfo } | { reason: string }> {
  const reasons: string[] = [];
  for (const flags of dawn !== undefined ? [[dawn]] : [['backend=vulkan'], ['backend=opengl']]) {
    try {
      const info = await useBackend('webgpu', { dawnFlags: flags, importers });
      if (!allowSoftware && isSoftware(info)) {
        reasons.push(`${flags[0]}: only a software adapter (${info.adapter?.description ?? '?'})`);
        continue;
      }
      return { info };
    } catch (error) {
      reasons.push(`${flags[0]}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return { reason: reasons.join('; ') };
}

async function main(): Promise<void> {
  if (!preludeDone) throw new Error('ops-gpu: no require() for tfjs-core');
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      'no-composed': { type: 'boolean', default: false },
      'allow-software': { type: 'boolean', default: false },
      dawn: { type: 'string' },
    },
    strict: true,
  });
  const outDir = process.env['OUT'] ?? '.';
  const outFile = path.join(outDir, 'ops-gpu.json');
  const sizes = values.quick === true ? QUICK : FULL;
  const rounds = values.rounds !== undefined ? Math.max(1, Number(values.rounds)) : values.quick === true ? 3 : 10;
  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, tfjs: tf.version_core };
  const write = (obj: object): void => {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(outFile, JSON.stringify(obj, null, 2) + '\n');
    console.log(`wrote ${outFile}`);
  };

  const set = await setUp(values.dawn, values['allow-software'] === true);
  if ('reason' in set) {
    console.log(`no WebGPU adapter: ${set.reason}`);
    write({ machine, adapter: null, reason: set.reason });
    return;
  }
  const adapter = set.info.adapter ?? null;
  console.log(`webgpu: ${adapter?.vendor ?? ''} ${adapter?.architecture ?? ''} ${adapter?.description ?? ''}`.trim());
  console.log(`PPO ${sizes.ppo.join(' x ')} tokens, tokenLogProbs ${sizes.logits.join(' x ')} logits, ${rounds} rounds`);
  const log = (line: string): void => console.log(line);
  const timings: Timing[] = await timeBackend({
    sizes,
    rounds,
    composed: values['no-composed'] !== true,
    composedRounds: Math.max(3, Math.floor(rounds / 2)),
    readBack: true,
    jsKernels: false,
    gc: loadGc(),
    log,
  });
  log('accuracy at 8M elements against float64 (1e-5 relative):');
  let accuracy: AccuracyCheck[] = [];
  try {
    accuracy = await accuracyChecks(false, log);
  } catch (error) {
    log(`  accuracy checks failed to run: ${error instanceof Error ? error.message : String(error)}`);
  }
  write({ machine, adapter, sizes, rounds, timings, accuracy });
}

await main();
