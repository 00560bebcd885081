/**
 * Benchmark of the dataset pipeline: expert trajectories in (JSON Lines), SRL step
 * prompts out (TRL rows, JSON Lines or Parquet), streaming, in flat memory.
 *
 * What it measures, on one synthetic trajectory file made here (deterministic PRNG;
 * 100,000 trajectories, about 1M steps; `--quick`: 10,000), each pass in its own
 * child process so that its peak memory is its own:
 *   - bare: the floor. `readline` over the file, `JSON.parse` and `JSON.stringify`
 *     each line, write the lines (encoded into 1 MiB buffers, awaiting 'drain', the
 *     way `writeJsonl` writes), as any hand-written converter would at the least. It
 *     writes the trajectories back, not prompts.
 *   - srl-kit JSONL: `readJsonl` -> `stepPromptStream` -> `toTrlRow` -> `writeJsonl`,
 *     i.e. one TRL row per step: the work a user actually needs done.
 *   - srl-kit Parquet: the same into `writeParquet` with `trlParquetSchema()`.
 * Each pass is timed inside its child from the first byte read to the file closed
 * (module loading excluded). Peak memory is the child's peak resident set size as the
 * kernel counts it (`process.resourceUsage().maxRSS`, getrusage's ru_maxrss): a true
 * peak, not a sample, and it includes Node itself (the `baseline` column is the RSS
 * of the child before the pass starts). The headline numbers are prompts per second,
 * the time ratio of each srl-kit pass to the bare pass (target: at most 3x for
 * JSONL), and peak RSS (target: under 300 MB).
 *
 * Usage: `npm run bench:prompts [-- options]`
 *   --quick            10,000 trajectories, 3 rounds (for CI)
 *   --trajectories <n> how many trajectories to generate (default 100,000)
 *   --rounds <n>       rounds of every pass (default 1; the median is reported)
 *   --no-parquet       skip the Parquet pass
 *   --json <path>      also write every number to a JSON file
 *   --keep             keep the temporary files (their folder is printed)
 */
import { fork } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readJsonl, toTrlRow, trlParquetSchema, writeJsonl, writeParquet } from '../src/io/index.js';
import { stepPromptStream } from '../src/prompts/index.js';
import type { StepPrompt } from '../src/prompts/index.js';

const DEFAULT_TRAJECTORIES = 100_000;
const QUICK_TRAJECTORIES = 10_000;
const QUICK_ROUNDS = 3;
const TARGET_RATIO = 3;
const TARGET_PEAK_MB = 300;
const CHUNK_CHARS = 64 * 1024;
const PASSES = ['bare', 'srl-kit jsonl', 'srl-kit parquet'] as const;
type PassName = (typeof PASSES)[number];

// ---------------------------------------------------------------- types

interface Options {
  readonly trajectories: number;
  readonly rounds: number;
  readonly quick: boolean;
  readonly parquet: boolean;
  readonly keep: boolean;
  readonly jsonPath: string | null;
}

/** What a child process reports for one pass. */
interface PassResult {
  readonly pass: PassName;
  /** Records read (trajectories). */
  readonly inputRecords: number;
  /** Records written: trajectories for the bare pass, prompts for srl-kit. */
  readonly outputRecords: number;
  readonly outputBytes: number;
  readonly seconds: number;
  /** Peak RSS of the child, bytes (getrusage ru_maxrss). */
  readonly peakRssBytes: number;
  /** RSS of the child just before the pass started, bytes. */
  readonly baselineRssBytes: number;
}

interface DataStats {
  readonly trajectories: number;
  readonly steps: number;
  readonly bytes: number;
  readonly agentShare: number;
  readonly seconds: number;
}

interface Summary {
  readonly pass: PassName;
  readonly rounds: number;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly promptsPerSecond: number;
  readonly trajectoriesPerSecond: number;
  readonly outputMBPerSecond: number;
  readonly outputBytes: number;
  readonly outputRecords: number;
  readonly ratioToBare: number;
  readonly peakRssMB: number;
  readonly baselineRssMB: number;
}

// ---------------------------------------------------------------- options

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      trajectories: { type: 'string' },
      rounds: { type: 'string' },
      'no-parquet': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      json: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  return {
    quick,
    trajectories: values.trajectories !== undefined ? positiveInt(values.trajectories, '--trajectories') : quick ? QUICK_TRAJECTORIES : DEFAULT_TRAJECTORIES,
    rounds: values.rounds !== undefined ? positiveInt(values.rounds, '--rounds') : quick ? QUICK_ROUNDS : 1,
    parquet: values['no-parquet'] !== true,
    keep: values.keep === true,
    jsonPath: values.json ?? null,
  };
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got ${text}`);
  return n;
}

// ---------------------------------------------------------------- synthetic data

/** mulberry32: a small, fast, deterministic PRNG; returns floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to a in is that for it as with was on be by this are or from at which we an have ' +
  'not has but their can all its one also were they more if been other then so these some into ' +
  'solve let compute find value equation total number each step since therefore thus hence given ' +
  'x y z n k = + - * / ( ) ^ 2 3 4 5 10 12 15 24 100 0.5 \\frac{1}{2} \\sqrt{x} $x^2$ ' +
  'def return self import print if else for while True None error test file line src/module.py ' +
  'git diff grep -rn "foo" \\n \\"quoted\\" path/to/file.ts cd ls cat sed -n 1,40p npm run pytest -q'
).split(' ');

/** Non-ASCII words, used for about 1 word in 200 (real traces are mostly ASCII, with some maths symbols and names). */
const RARE_WORDS = ['é', 'Müller', '√', 'x²', 'π', '≤', '≥', '→', '步骤', '✓', '∑'];

/** A 1 MB pool of random words (with newlines, quotes, backslashes, some non-ASCII), sliced for every text. */
function textPool(random: () => number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < 1_000_000) {
    const list = random() < 0.005 ? RARE_WORDS : WORDS;
    const word = list[Math.floor(random() * list.length)] as string;
    const sep = random() < 0.05 ? '\n' : ' ';
    parts.push(word, sep);
    length += word.length + 1;
  }
  return parts.join('');
}

/** Log-uniform integer in [min, max]: many short texts, a few long ones. */
function logUniform(random: () => number, min: number, max: number): number {
  return Math.round(Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))));
}

function makeText(random: () => number, pool: string, min: number, max: number): string {
  const length = logUniform(random, min, max);
  const start = Math.floor(random() * (pool.length - length));
  return pool.slice(start, start + length).trim() || 'x';
}

/**
 * One synthetic trajectory: 60% maths-like (GSM8K/s1K: a 150-1,500 character problem,
 * 3-15 steps of 30-400 characters, all shown as history), 40% agent-like (SWE-style: a
 * 300-3,000 character issue, 5-20 steps, each a 40-600 character thought, a 10-250
 * character command and a 20-2,000 character observation; the last 2 shown).
 */
function makeTrajectory(random: () => number, pool: string, i: number): { json: string; steps: number; agent: boolean } {
  const agent = random() < 0.4;
  if (!agent) {
    const n = 3 + Math.floor(random() * 13);
    const steps = Array.from({ length: n }, (_, k) => ({ action: `${k + 1}. ${makeText(random, pool, 30, 400)}` }));
    const t = { id: `math-${i}`, task: makeText(random, pool, 150, 1500), steps, meta: { source: 'synthetic-math' } };
    return { json: JSON.stringify(t), steps: n, agent };
  }
  const n = 5 + Math.floor(random() * 16);
  const steps = Array.from({ length: n }, () => ({
    thought: makeText(random, pool, 40, 600),
    action: makeText(random, pool, 10, 250),
    observation: makeText(random, pool, 20, 2000),
  }));
  const t = { id: `swe-${i}`, task: makeText(random, pool, 300, 3000), steps, meta: { source: 'synthetic-swe' } };
  return { json: JSON.stringify(t), steps: n, agent };
}

async function generate(file: string, count: number): Promise<DataStats> {
  const t0 = process.hrtime.bigint();
  const random = prng(20251127);
  const pool = textPool(random);
  const out = createWriteStream(file);
  let steps = 0;
  let agents = 0;
  let chunk = '';
  for (let i = 0; i < count; i++) {
    const t = makeTrajectory(random, pool, i);
    steps += t.steps;
    if (t.agent) agents++;
    chunk += `${t.json}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      await write(out, chunk);
      chunk = '';
    }
  }
  await write(out, chunk);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { trajectories: count, steps, bytes: statSync(file).size, agentShare: agents / count, seconds };
}

async function write(out: NodeJS.WritableStream, text: string | Uint8Array): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

// ---------------------------------------------------------------- passes (child side)

/** The floor: what any converter does at the least, line by line. */
async function bare(input: string, output: string): Promise<[number, number, number]> {
  const lines = createInterface({ input: createReadStream(input), crlfDelay: Infinity });
  const out = new BufferedWriter(createWriteStream(output, { highWaterMark: 16 * BufferedWriter.SIZE }));
  let records = 0;
  for await (const line of lines) {
    if (line === '') continue;
    await out.line(JSON.stringify(JSON.parse(line)));
    records++;
  }
  await out.close();
  return [records, records, out.bytes];
}

/**
 * The bare pass's writer: lines encoded into 1 MiB buffers, each written at once, up
 * to 16 MiB waiting in the file stream before awaiting 'drain' (what `writeJsonl`
 * does, so that the floor is as fast as srl-kit's writer).
 */
class BufferedWriter {
  static readonly SIZE = 1024 * 1024;
  #buffer = Buffer.allocUnsafe(BufferedWriter.SIZE);
  #used = 0;
  bytes = 0;
  constructor(private readonly out: NodeJS.WritableStream) {}

  async line(text: string): Promise<void> {
    if (this.#used + text.length * 3 + 1 > BufferedWriter.SIZE) {
      await this.#flush();
      if (text.length * 3 + 1 > BufferedWriter.SIZE) {
        await write(this.out, Buffer.from(`${text}\n`));
        return;
      }
    }
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
    this.#buffer[this.#used++] = 0x0a;
  }

  async close(): Promise<void> {
    await this.#flush();
    await new Promise<void>((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }

  async #flush(): Promise<void> {
    const chunk = this.#buffer.subarray(0, this.#used);
    this.#buffer = Buffer.allocUnsafe(BufferedWriter.SIZE);
    this.#used = 0;
    this.bytes += chunk.length;
    await write(this.out, chunk);
  }
}

/** Counts the records `readJsonl` yields, on their way to `stepPromptStream`. */
async function* counted(source: AsyncIterable<unknown>, counter: { n: number }): AsyncGenerator<unknown> {
  for await (const record of source) {
    counter.n++;
    yield record;
  }
}

async function* trlRows(prompts: AsyncIterable<StepPrompt>): AsyncGenerator<ReturnType<typeof toTrlRow>> {
  for await (const prompt of prompts) yield toTrlRow(prompt);
}

async function srlJsonl(input: string, output: string): Promise<[number, number, number]> {
  const trajectories = { n: 0 };
  const prompts = stepPromptStream(counted(readJsonl(input), trajectories));
  const { rows, bytes } = await writeJsonl(trlRows(prompts), output);
  return [trajectories.n, rows, bytes];
}

async function srlParquet(input: string, output: string): Promise<[number, number, number]> {
  const trajectories = { n: 0 };
  const prompts = stepPromptStream(counted(readJsonl(input), trajectories));
  const { rows } = await writeParquet(trlRows(prompts), output, { schema: trlParquetSchema() });
  return [trajectories.n, rows, statSync(output).size];
}

async function runChild(pass: PassName, input: string, output: string): Promise<void> {
  const baselineRssBytes = process.memoryUsage().rss;
  const run = pass === 'bare' ? bare : pass === 'srl-kit jsonl' ? srlJsonl : srlParquet;
  const t0 = process.hrtime.bigint();
  const [inputRecords, outputRecords, outputBytes] = await run(input, output);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
  const result: PassResult = { pass, inputRecords, outputRecords, outputBytes, seconds, peakRssBytes, baselineRssBytes };
  process.send?.(result);
}

// ---------------------------------------------------------------- passes (parent side)

/** Runs one pass in a fresh child process (same Node, same tsx loader) and returns its report. */
function runPass(pass: PassName, input: string, output: string): Promise<PassResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', pass, input, output], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: PassResult | undefined;
    child.on('message', (message) => {
      result = message as PassResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(output, { force: true });
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`pass '${pass}' exited with code ${code}`));
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function summarize(pass: PassName, results: readonly PassResult[], bareSeconds: number, prompts: number): Summary {
  const seconds = results.map((r) => r.seconds);
  const medianSeconds = median(seconds);
  const last = results[results.length - 1] as PassResult;
  return {
    pass,
    rounds: results.length,
    medianSeconds,
    minSeconds: Math.min(...seconds),
    maxSeconds: Math.max(...seconds),
    promptsPerSecond: prompts / medianSeconds,
    trajectoriesPerSecond: last.inputRecords / medianSeconds,
    outputMBPerSecond: last.outputBytes / 1e6 / medianSeconds,
    outputBytes: last.outputBytes,
    outputRecords: last.outputRecords,
    ratioToBare: medianSeconds / bareSeconds,
    peakRssMB: Math.max(...results.map((r) => r.peakRssBytes)) / 1e6,
    baselineRssMB: Math.max(...results.map((r) => r.baselineRssBytes)) / 1e6,
  };
}

// ---------------------------------------------------------------- report

function machineInfo(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Number((os.totalmem() / 1e9).toFixed(1)),
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
    loadavg1m: Number(os.loadavg()[0]?.toFixed(2)),
  };
}

const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const thousands = (x: number): string => Math.round(x).toLocaleString('en-US');

function printTable(rows: readonly Summary[]): void {
  const header = ['pass', 'median s', 'min-max s', 'prompts/s', 'out MB/s', 'out MB', 'x bare', 'peak RSS MB', 'baseline MB'];
  const lines = rows.map((s) => [
    s.pass,
    fmt(s.medianSeconds),
    `${fmt(s.minSeconds)}-${fmt(s.maxSeconds)}`,
    thousands(s.promptsPerSecond),
    fmt(s.outputMBPerSecond, 1),
    fmt(s.outputBytes / 1e6, 1),
    fmt(s.ratioToBare),
    fmt(s.peakRssMB, 0),
    fmt(s.baselineRssMB, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  console.log(row(header));
  for (const l of lines) console.log(row(l));
}

function printTargets(rows: readonly Summary[]): boolean {
  let allPass = true;
  console.log('');
  for (const s of rows) {
    if (s.pass === 'bare') continue;
    const ratioOk = s.ratioToBare <= TARGET_RATIO;
    const memOk = s.peakRssMB < TARGET_PEAK_MB;
    if (s.pass === 'srl-kit jsonl') allPass &&= ratioOk && memOk;
    const ratioNote = s.pass === 'srl-kit jsonl' ? `target <= ${TARGET_RATIO}x: ${ratioOk ? 'ok' : 'BELOW'}` : 'no target';
    console.log(`${s.pass.padEnd(16)} ${fmt(s.ratioToBare)}x the bare pass (${ratioNote}); peak RSS ${fmt(s.peakRssMB, 0)} MB (target < ${TARGET_PEAK_MB} MB: ${memOk ? 'ok' : 'ABOVE'})`);
  }
  return allPass;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await runChild(argv[1] as PassName, argv[2] as string, argv[3] as string);
    return;
  }
  const opts = parseOptions(argv);
  const machine = machineInfo();
  console.log('srl-kit bench: trajectories (JSONL) -> SRL step prompts (TRL rows), streaming\n');
  console.log(`machine : ${machine['cpu']} x${machine['cores']}, ${machine['memoryGB']} GB (${machine['platform']}), load ${machine['loadavg1m']}`);
  console.log(`runtime : node ${machine['node']}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'srl-kit-bench-prompts-'));
  try {
    const input = path.join(dir, 'trajectories.jsonl');
    const data = await generate(input, opts.trajectories);
    console.log(
      `data    : ${thousands(data.trajectories)} synthetic trajectories (${fmt(data.agentShare * 100, 0)}% agent-like), ` +
        `${thousands(data.steps)} steps, ${fmt(data.bytes / 1e6, 1)} MB JSONL (generated in ${fmt(data.seconds, 1)} s)`,
    );
    console.log(`rounds  : ${opts.rounds}${opts.quick ? ' (--quick)' : ''}, each pass in its own child process; time = median over rounds\n`);

    const passes = PASSES.filter((p) => opts.parquet || p !== 'srl-kit parquet');
    const results = new Map<PassName, PassResult[]>(passes.map((p) => [p, []]));
    for (let r = 0; r < opts.rounds; r++) {
      for (const pass of passes) {
        const output = path.join(dir, pass === 'srl-kit parquet' ? 'out.parquet' : 'out.jsonl');
        results.get(pass)?.push(await runPass(pass, input, output));
      }
    }
    const bareSeconds = median((results.get('bare') ?? []).map((r) => r.seconds));
    const prompts = results.get('srl-kit jsonl')?.[0]?.outputRecords ?? data.steps;
    const summaries = passes.map((p) => summarize(p, results.get(p) ?? [], bareSeconds, prompts));
    printTable(summaries);
    console.log(`\nprompts/s: the ${thousands(prompts)} prompts the data makes, divided by the pass time (the bare pass writes trajectories, not prompts).`);
    const ok = printTargets(summaries);

    if (opts.jsonPath !== null) {
      const report = { machine, options: opts, data, prompts, targets: { ratio: TARGET_RATIO, peakRssMB: TARGET_PEAK_MB }, passes: summaries, rounds: Object.fromEntries(results) };
      writeFileSync(opts.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`\nwrote ${opts.jsonPath}`);
    }
    if (!ok) console.log('\n(a missed target is reported, not failed)');
  } finally {
    if (opts.keep) console.log(`\nkept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
