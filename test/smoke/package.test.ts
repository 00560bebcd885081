/**
 * The package as a user gets it: `npm pack`, install the tarball into a fresh
 * folder, then import it from plain Node ESM and CJS, type-check a consumer
 * against the shipped declarations, and lint the package with publint and
 * @arethetypeswrong/cli. Needs `npm run build` first (`npm test` does it).
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
let work = '';
let tarball = '';
let consumer = '';

function run(cmd: string, args: string[], options: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe', ...options }) as string;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
  }
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  work = mkdtempSync(join(tmpdir(), 'srl-kit-smoke-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root })) as { filename: string }[];
  tarball = join(work, (packed[0] as { filename: string }).filename);
  consumer = join(work, 'consumer');
  run('mkdir', ['-p', consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], { cwd: consumer });
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('imports from plain Node ESM, root and subpath', () => {
    writeFileSync(
      join(consumer, 'esm.mjs'),
      [
        "import { stepReward, SequenceMatcher } from 'srl-kit';",
        "import * as reward from 'srl-kit/reward';",
        "console.log(JSON.stringify([stepReward('<think>t</think> x = 4', 'x = 5'), new SequenceMatcher('abxcd', 'abcd').ratio(), reward.sequenceRatio('abcd', 'bcde'), reward.SequenceMatcher === SequenceMatcher]));",
      ].join('\n'),
    );
    expect(JSON.parse(run('node', ['esm.mjs'], { cwd: consumer }))).toEqual([0.8, 0.8888888888888888, 0.75, true]);
  });

  it('requires from plain Node CJS, root and subpath', () => {
    writeFileSync(
      join(consumer, 'cjs.cjs'),
      [
        "const { stepReward, stepRewards } = require('srl-kit');",
        "const { lcsRatio } = require('srl-kit/reward');",
        "console.log(JSON.stringify([stepReward('<think>t</think> x = 4', 'x = 5'), stepRewards(['bad'], 'x'), lcsRatio('abcd', 'acbd')]));",
      ].join('\n'),
    );
    expect(JSON.parse(run('node', ['cjs.cjs'], { cwd: consumer }))).toEqual([0.8, [-1], 0.75]);
  });

  it('runs every module from ESM and CJS, Parquet export included', () => {
    const body = (load: string) =>
      [
        load,
        "const t = trajectory.parseGsm8kSolution('Add 1 and 2: 1 + 2 = <<1+2=3>>3\\n#### 3');",
        "const prompts = prompts_.buildStepPrompts({ id: 'g', task: 'What is 1 + 2?', steps: t.steps });",
        "const out = require_path.join(require_os.tmpdir(), `srl-smoke-${process.pid}-${Math.random()}.parquet`);",
        "io.writeDataset(prompts, out, { layout: 'verl' }).then((r) => console.log(JSON.stringify([prompts[0].target, r.rows, r.format])));",
      ].join('\n');
    writeFileSync(
      join(consumer, 'modules.mjs'),
      body(
        "import * as trajectory from 'srl-kit/trajectory'; import * as prompts_ from 'srl-kit/prompts'; import * as io from 'srl-kit/io'; import * as require_path from 'node:path'; import * as require_os from 'node:os';",
      ),
    );
    writeFileSync(
      join(consumer, 'modules.cjs'),
      body(
        "const trajectory = require('srl-kit/trajectory'); const prompts_ = require('srl-kit/prompts'); const io = require('srl-kit/io'); const require_path = require('node:path'); const require_os = require('node:os');",
      ),
    );
    const expected = ['Add 1 and 2: 1 + 2 = <<1+2=3>>3', 1, 'parquet'];
    expect(JSON.parse(run('node', ['modules.mjs'], { cwd: consumer }))).toEqual(expected);
    expect(JSON.parse(run('node', ['modules.cjs'], { cwd: consumer }))).toEqual(expected);
  });

  it('trains from the tarball with the tfjs peers, ESM and CJS: gradients registered, one tfjs-core', () => {
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-cpu@4.22.0'], {
      cwd: consumer,
    });
    const body = [
      "const info = await backends.useBackend('cpu');",
      'tf.enableProdMode();',
      'const logProbs = tf.tensor2d([[-1, -0.5], [-2, -0.1]]);',
      "const inputs = { oldLogProbs: tf.tensor2d([[-1.1, -0.5], [-1.5, -0.1]]), advantages: tf.tensor1d([1, -1]), mask: tf.tensor2d([[1, 1], [1, 0]]) };",
      'const g = tf.grad((x) => ops.policyLoss({ ...inputs, logProbs: x }).loss)(logProbs);',
      // The backend srl-kit set is the one the user's own tfjs-core sees.
      'console.log(JSON.stringify([info.name, tf.getBackend(), Array.from(await g.data()).map((v) => Math.round(v * 1e6) / 1e6)]));',
    ].join('\n');
    writeFileSync(
      join(consumer, 'train.mjs'),
      "import * as tf from '@tensorflow/tfjs-core'; import * as ops from 'srl-kit/ops'; import * as backends from 'srl-kit/backends';\n" + body,
    );
    writeFileSync(
      join(consumer, 'train.cjs'),
      "const tf = require('@tensorflow/tfjs-core'); const ops = require('srl-kit/ops'); const backends = require('srl-kit/backends');\n(async () => {\n" + body + '\n})();',
    );
    // d(token-mean PPO)/d logp = -A * rho / N where unclipped (rho = exp(logp - old)), 0 where clipped or masked:
    // (0,0): rho = e^0.1 = 1.105 (inside 1.2) -> -1 * 1.105171 / 3; (0,1): rho 1 -> -1/3; (1,0): A = -1, rho = e^-0.5 = 0.607 < 0.8 clipped -> 0.
    const expected = ['cpu', 'cpu', [-0.368390, -0.333333, 0, 0]];
    expect(JSON.parse(run('node', ['train.mjs'], { cwd: consumer }))).toEqual(expected);
    expect(JSON.parse(run('node', ['train.cjs'], { cwd: consumer }))).toEqual(expected);
  });

  it('installs the srl command, and scores on worker threads from the built package', () => {
    expect(run(join(consumer, 'node_modules', '.bin', 'srl'), ['--help'], { cwd: consumer })).toMatch(/Usage: srl <command>/);
    writeFileSync(
      join(consumer, 'pool.mjs'),
      [
        "import { scoreBatch } from 'srl-kit/pool';",
        "const items = Array.from({ length: 300 }, (_, i) => ({ output: `<think>t</think>x = ${i % 7}`, target: 'x = 5' }));",
        'const results = await scoreBatch(items, { workers: 2, chunkSize: 16 });',
        'console.log(JSON.stringify([results.length, results[5].reward, results[4].reward, results[0].ok]));',
      ].join('\n'),
    );
    // python3: SequenceMatcher(None, 'x = 5', 'x = 5').ratio() == 1.0 and ('x = 4', 'x = 5') == 0.8
    expect(JSON.parse(run('node', ['pool.mjs'], { cwd: consumer }))).toEqual([300, 1, 0.8, true]);
  });

  it('serves rewards from the built package: worker threads (ESM, CJS) and a 2-process cluster', () => {
    const body = "JSON.stringify({ query: ['Q: <think>t</think>x = 4', 'Q: x = 5'], prompts: ['Q: ', 'Q: '], labels: ['x = 5', 'x = 5'] })";
    const ask = [
      "const r = await fetch(`${url}/reward`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: " + body + ' });',
      "const h = await (await fetch(`${url}/health`)).json();",
      'console.log(JSON.stringify([(await r.json()).rewards, h.workers]));',
    ];
    writeFileSync(
      join(consumer, 'serve.mjs'),
      ["import { createRewardServer } from 'srl-kit/server';", "const s = createRewardServer({ port: 0, workers: 2, logger: () => {} });", 'const { url } = await s.listen();', ...ask, 'await s.close();'].join('\n'),
    );
    writeFileSync(
      join(consumer, 'serve.cjs'),
      ["const { createRewardServer } = require('srl-kit/server');", '(async () => {', "const s = createRewardServer({ port: 0, workers: 1, logger: () => {} });", 'const { url } = await s.listen();', ...ask, 'await s.close();', '})();'].join('\n'),
    );
    writeFileSync(
      join(consumer, 'cluster.mjs'),
      [
        "import { createRewardCluster } from 'srl-kit/server';",
        "const c = createRewardCluster({ port: 0, processes: 2, logRequests: false, onEvent: () => {} });",
        'const { url } = await c.listen();',
        ...ask,
        'await c.close();',
      ].join('\n'),
    );
    // python3: SequenceMatcher(None, 'x = 4', 'x = 5').ratio() == 0.8; no <think> block: the format penalty -1.
    expect(JSON.parse(run('node', ['serve.mjs'], { cwd: consumer }))).toEqual([[0.8, -1], 2]);
    expect(JSON.parse(run('node', ['serve.cjs'], { cwd: consumer }))).toEqual([[0.8, -1], 1]);
    expect(JSON.parse(run('node', ['cluster.mjs'], { cwd: consumer }))).toEqual([[0.8, -1], 0]);
  });

  it('type-checks a TypeScript consumer against the shipped declarations, and catches misuse', () => {
    writeFileSync(
      join(consumer, 'good.ts'),
      [
        "import { stepReward, SequenceMatcher, type StepRewardOptions, type Opcode } from 'srl-kit';",
        "import { parseStepOutput } from 'srl-kit/reward';",
        "const options: StepRewardOptions = { metric: 'lcs', granularity: 'word', formatPenalty: 0 };",
        'const r: number = stepReward("<think>t</think>x", "x", options);',
        "const ops: Opcode[] = new SequenceMatcher('a', 'b').getOpcodes();",
        "const p = parseStepOutput('x');",
        'const action: string = p.ok ? p.action : p.reason;',
        'export { r, ops, action };',
      ].join('\n'),
    );
    writeFileSync(
      join(consumer, 'bad.ts'),
      ["import { stepReward } from 'srl-kit';", "export const r: string = stepReward('x', 'y', { metric: 'bleu' });"].join('\n'),
    );
    const tsc = (file: string, module: string) =>
      run(bin('tsc'), ['--noEmit', '--strict', '--skipLibCheck', 'false', '--module', module, '--moduleResolution', module === 'nodenext' ? 'nodenext' : 'bundler', '--target', 'es2022', file], { cwd: consumer });
    tsc('good.ts', 'nodenext');
    tsc('good.ts', 'esnext');
    expect(() => tsc('bad.ts', 'nodenext')).toThrow(/TS2322|TS2820|not assignable/);
  });

  it('passes publint', () => {
    const out = run(bin('publint'), ['--strict', join(consumer, 'node_modules', 'srl-kit')], { cwd: root });
    expect(out).not.toMatch(/error|warning|suggestion/i);
  });

  it('passes @arethetypeswrong/cli for every entry point', () => {
    const out = run(bin('attw'), [tarball, '--format', 'ascii'], { cwd: root });
    expect(out).toMatch(/No problems found/);
  });

  it('ships what a user needs and nothing else', () => {
    const files = (JSON.parse(run('npm', ['pack', '--dry-run', '--json'], { cwd: root })) as { files: { path: string }[] }[])[0]?.files.map(
      (f) => f.path,
    );
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'dist/index.js', 'dist/index.cjs', 'dist/reward/index.d.ts']));
    expect(files?.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules', 'srl-kit', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.sideEffects).toBe(false);
  });
});
