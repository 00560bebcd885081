/**
 * Benchmark of the `srl-kit/ops` tensor ops on the tfjs backends available in Node.
 *
 * What it measures, per backend (cpu, wasm; webgpu when an adapter exists), in one run:
 *   - PPO clipped loss (token-mean), forward + backward w.r.t. logProbs, on 1024 x 8192
 *     tokens (4 float32 inputs of 32 MB: logProbs, oldLogProbs, per-token advantages, mask):
 *     `tf.valueAndGrad(lp => policyLoss({ logProbs: lp, ... }).loss)`;
 *   - tokenLogProbs (log-softmax + gather), forward + backward w.r.t. the logits, on
 *     2048 x 32000 logits (262 MB): `tf.valueAndGrad(z => tf.sum(tokenLogProbs(z, ids)))`;
 * each with srl-kit's fused kernels (and, with --composed, with the composed tfjs ops that
 * backends without fused kernels get), beside the memory floor measured in the same run: a
 * `Float32Array.prototype.set` copy of the same input bytes into buffers allocated
 * beforehand. A round is timed from the call to the loss value being readable (on webgpu:
 * read back, which waits for every command queued before it, the backward pass included;
 * `+ gradient read back` also reads the whole gradient). One warm-up round, then R timed
 * rounds with a full garbage collection before each; medians, min and max, and the ratio
 * of the median to the floor's median. Target: fused within 10x of the floor on cpu and wasm
 * (a miss prints ABOVE but does not fail the run).
 *
 * Accuracy (always, at 8M = 1024 x 8192 elements, on cpu and wasm): srl-kit's chunked sum,
 * `aggregateLoss` and `policyLoss` against float64 (`policyLossArray`); each must be within
 * 1e-5 relative, else the exit code is 1. The backend's own `tf.sum` is shown as a contrast.
 *
 * Usage: `npm run bench:ops [-- options]`
 *   --quick              PPO 128 x 1024, logits 256 x 4000, 3 rounds, composed ops included (CI);
 *                        the 8M accuracy checks still run
 *   --rounds <n>         timed rounds of the fused kernels and floors (default 7)
 *   --composed           also time the composed tfjs ops at full size (seconds per round on cpu)
 *   --composed-rounds <n> (default 3)
 *   --backends <list>    comma-separated, from cpu, wasm, webgpu (default: cpu,wasm, plus webgpu
 *                        when an adapter exists; a software adapter only with --quick or when named)
 *   --json <path>        also write every number to a JSON file
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendInfo } from '../src/backends/index.js';
import { FULL, QUICK, accuracyChecks, loadGc, targetLines, timeBackend, type AccuracyCheck, type Timing } from './ops-lib.js';

type Backend = 'cpu' | 'wasm' | 'webgpu';

interface Options {
  readonly quick: boolean;
  readonly rounds: number;
  readonly composed: boolean;
  readonly composedRounds: number;
  readonly backends: readonly Backend[] | null;
  readonly jsonPath: string | null;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      composed: { type: 'boolean', default: false },
      'composed-rounds': { type: 'string' },
      backends: { type: 'string' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  let backends: Backend[] | null = null;
  if (values.backends !== undefined) {
    backends = values.backends.split(',').map((b) => b.trim()) as Backend[];
    for (const b of backends) if (!['cpu', 'wasm', 'webgpu'].includes(b)) throw new Error(`--backends: unknown backend '${b}'`);
  }
  return {
    quick,
    rounds: values.rounds !== undefined ? positiveInt(values.rounds, '--rounds') : quick ? 3 : 7,
    composed: quick || values.composed === true,
    composedRounds: values['composed-rounds'] !== undefined ? positiveInt(values['composed-rounds'], '--composed-rounds') : 3,
    backends,
    jsonPath: values.json ?? null,
  };
}

/** Sets up webgpu on Dawn (Vulkan, else OpenGL); the reason when there is no adapter. */
async function setUpWebGpu(): Promise<{ info: BackendInfo } | { reason: string }> {
  const reasons: string[] = [];
  for (const flags of [['backend=vulkan'], ['backend=opengl']]) {
    try {
      return { info: await useBackend('webgpu', { dawnFlags: flags }) };
    } catch (error) {
      reasons.push(`${flags[0]}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return { reason: reasons.join('; ') };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const gc = loadGc();
  const sizes = opts.quick ? QUICK : FULL;
  const log = (line: string): void => console.log(line);
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    tfjs: tf.version_core,
  };
  log(`ops benchmark: PPO ${sizes.ppo.join(' x ')} tokens, tokenLogProbs ${sizes.logits.join(' x ')} logits, ${opts.rounds} rounds`);
  log(`machine: ${machine.cpu} x${machine.cores}, ${machine.memoryGiB} GiB, node ${machine.node}, tfjs-core ${machine.tfjs}`);

  const timings: Timing[] = [];
  const accuracy: AccuracyCheck[] = [];
  const skipped: Array<{ backend: Backend; reason: string }> = [];
  const wanted = opts.backends ?? (['cpu', 'wasm', 'webgpu'] as const);
  for (const backend of wanted) {
    let title: string = backend;
    if (backend === 'webgpu') {
      const set = await setUpWebGpu();
      if ('reason' in set) {
        skipped.push({ backend, reason: `no WebGPU adapter (${set.reason})` });
        log(`\nwebgpu: skipped, no adapter (${set.reason})`);
        continue;
      }
      const adapter = set.info.adapter;
      const software = adapter?.isFallbackAdapter === true || /llvmpipe|lavapipe|swiftshader/i.test(adapter?.description ?? '');
      title = `webgpu (${adapter?.description ?? 'adapter'}${software ? ', software: timings say nothing about GPUs' : ''})`;
      if (software && !opts.quick && opts.backends === null) {
        skipped.push({ backend, reason: `software adapter (${adapter?.description ?? ''}); name it in --backends or use --quick` });
        log(`\n${title}: skipped at full size (software adapter); --backends webgpu runs it anyway`);
        continue;
      }
    } else {
      await useBackend(backend);
    }
    log(`\n${title}`);
    timings.push(
      ...(await timeBackend({
        sizes,
        rounds: opts.rounds,
        composed: opts.composed,
        composedRounds: opts.composedRounds,
        readBack: true,
        jsKernels: true,
        gc,
        log,
      })),
    );
    if (backend !== 'webgpu') {
      log(`  accuracy at 8M elements against float64 (1e-5 relative):`);
      accuracy.push(...(await accuracyChecks(!opts.quick, log)));
    }
  }

  log('\ntargets');
  for (const line of targetLines(timings, opts.quick)) log(line);
  const failed = accuracy.filter((a) => !a.ok);
  log(failed.length === 0 ? '\naccuracy: all required checks within 1e-5' : `\naccuracy: ${failed.length} check(s) FAILED`);
  if (opts.jsonPath !== null) {
    writeFileSync(path.resolve(opts.jsonPath), JSON.stringify({ machine, options: { ...opts, sizes }, timings, accuracy, skipped }, null, 2) + '\n');
    log(`wrote ${opts.jsonPath}`);
  }
  if (failed.length > 0) process.exitCode = 1;
}

await main();
