/**
 * Benchmark of the SRL step-reward similarity: `ratio()` of difflib's
 * SequenceMatcher on real (action, expert step) pairs.
 *
 * What it measures: the time to compute `SequenceMatcher(None, a, b).ratio()`
 * once per pair, over the whole corpus, for three implementations run on the
 * same pairs in one process run:
 *   - CPython's `difflib` (child process `bench/reward_cpython.py`, if `python3` exists);
 *   - the `difflib` npm package, fed `Array.from(str)` code-point arrays so that it
 *     compares code points as Python does (the conversion is inside the timed region,
 *     since a user has to do it too);
 *   - srl-kit's `sequenceRatio(a, b)`.
 * Each gets a warm-up round and then R timed rounds; a round is timed as a whole
 * and divided by the number of pairs. The median over rounds is the headline
 * number (min and max are shown too). The two JS implementations alternate round
 * by round, so that machine noise hits both alike, and a full garbage collection
 * runs before every round (outside the timed region), so that no round pays for
 * the garbage of another.
 *
 * It also checks exactness: srl-kit's ratio must be `===` CPython's for every pair
 * (exit code 1 otherwise). Without `python3` it checks against the CPython ratios
 * recorded in the corpus (`char` field), when present.
 *
 * Corpus: `test/fixtures/reward/pairs.jsonl.gz` (gzip JSON lines with `action` and
 * `expert`); pairs are (a = action, b = expert). Pairs are grouped by kind of step
 * (the `id` prefix: gsm8k_line, swe_action, ...) and each group is timed on its own,
 * for CPython and srl-kit, so the report also shows the speed-up per kind of step.
 *
 * Usage: `npm run bench:reward [-- options]`
 *   --quick           3 rounds on 300 pairs spread over the corpus (for CI)
 *   --rounds <n>      timed rounds (default 15)
 *   --limit <n>       use n pairs spread evenly over the corpus
 *   --corpus <path>   another corpus file
 *   --json <path>     also write every number to a JSON file
 * The environment variable PYTHON names another interpreter (default `python3`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { sequenceRatio } from '../src/index.js';

const DEFAULT_CORPUS = fileURLToPath(new URL('../test/fixtures/reward/pairs.jsonl.gz', import.meta.url));
const CPYTHON_SCRIPT = fileURLToPath(new URL('./reward_cpython.py', import.meta.url));
const PYTHON = process.env['PYTHON'] ?? 'python3';
const DEFAULT_ROUNDS = 15;
const QUICK_ROUNDS = 3;
const QUICK_PAIRS = 300;
const TARGET_VS_CPYTHON = 20;
const TARGET_VS_DIFFLIB_NPM = 5;

// ---------------------------------------------------------------- types

interface Options {
  readonly corpusPath: string;
  readonly rounds: number;
  readonly limit: number | null;
  readonly quick: boolean;
  /** As given on the command line (resolved against the working directory). */
  readonly jsonPath: string | null;
}

interface Pair {
  /** The action (first sequence). */
  readonly a: string;
  /** The expert step (second sequence). */
  readonly b: string;
  /** CPython's ratio as recorded in the corpus (`char`), if any. */
  readonly recorded: number | null;
  /** The kind of step: the corpus `id` without its trailing number. */
  readonly kind: string;
}

/** A consecutive slice of the (kind-sorted) pairs. */
interface Group {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
}

interface LengthStats {
  readonly mean: number;
  readonly median: number;
  readonly max: number;
}

interface CorpusStats {
  readonly pairs: number;
  readonly actionCodePoints: LengthStats;
  readonly expertCodePoints: LengthStats;
}

/** The raw result of one implementation: ns per timed round and the ratios it computed. */
interface RunResult {
  readonly roundNs: number[];
  /** ns per timed round of each group (same order as the groups), when timed by group. */
  readonly groupNs?: number[][];
  readonly ratios: ArrayLike<number>;
}

interface CpythonResult extends RunResult {
  readonly python: string;
}

interface Timing {
  readonly name: string;
  readonly rounds: number;
  /** µs per pair of every timed round. */
  readonly usPerPair: number[];
  readonly medianUs: number;
  readonly minUs: number;
  readonly maxUs: number;
  readonly totalMs: number;
}

interface Speedup {
  readonly label: string;
  readonly factor: number;
  readonly target: number;
  readonly pass: boolean;
}

interface Mismatch {
  readonly index: number;
  readonly expected: number;
  readonly got: number;
}

interface Exactness {
  readonly reference: 'cpython' | 'recorded' | 'none';
  readonly srlKitMismatches: Mismatch[];
  readonly difflibNpmMismatches: Mismatch[];
}

/** The subset of the `difflib` npm package (CommonJS, untyped) used here. */
interface DifflibNpm {
  readonly SequenceMatcher: new (isjunk: null, a: readonly string[], b: readonly string[]) => { ratio(): number };
}

// ---------------------------------------------------------------- options and corpus

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      limit: { type: 'string' },
      corpus: { type: 'string' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const rounds = values.rounds !== undefined ? positiveInt(values.rounds, '--rounds') : quick ? QUICK_ROUNDS : DEFAULT_ROUNDS;
  const limit = values.limit !== undefined ? positiveInt(values.limit, '--limit') : quick ? QUICK_PAIRS : null;
  return {
    corpusPath: values.corpus !== undefined ? path.resolve(values.corpus) : DEFAULT_CORPUS,
    rounds,
    limit,
    quick,
    jsonPath: values.json ?? null,
  };
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

function loadCorpus(file: string): Pair[] {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const pairs: Pair[] = [];
  for (const [lineNo, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as Record<string, unknown>;
    const { action, expert, char, id } = row;
    if (typeof action !== 'string' || typeof expert !== 'string') {
      throw new Error(`${file}:${lineNo + 1}: 'action' and 'expert' must be strings`);
    }
    const kind = typeof id === 'string' ? id.replace(/-\d+$/, '') : 'pairs';
    pairs.push({ a: action, b: expert, recorded: typeof char === 'number' ? char : null, kind });
  }
  if (pairs.length === 0) throw new Error(`${file}: no pairs`);
  return pairs;
}

/** `n` pairs spread evenly over the corpus (all of them if it has no more), so every kind is in. */
function evenSample(pairs: readonly Pair[], n: number): Pair[] {
  if (n >= pairs.length) return pairs.slice();
  return Array.from({ length: n }, (_, k) => pairs[Math.floor((k * pairs.length) / n)] as Pair);
}

/** Sorts pairs by kind (stable) and returns them with their groups. */
function groupByKind(pairs: readonly Pair[]): { pairs: Pair[]; groups: Group[] } {
  const kinds = [...new Set(pairs.map((p) => p.kind))];
  const sorted = kinds.flatMap((kind) => pairs.filter((p) => p.kind === kind));
  const groups: Group[] = [];
  let start = 0;
  for (const kind of kinds) {
    const end = start + sorted.slice(start).findIndex((p) => p.kind !== kind);
    const stop = end < start ? sorted.length : end;
    groups.push({ kind, start, end: stop });
    start = stop;
  }
  return { pairs: sorted, groups };
}

function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function lengthStats(lengths: number[]): LengthStats {
  const sum = lengths.reduce((s, x) => s + x, 0);
  return { mean: sum / lengths.length, median: median(lengths), max: Math.max(...lengths) };
}

function corpusStats(pairs: readonly Pair[]): CorpusStats {
  return {
    pairs: pairs.length,
    actionCodePoints: lengthStats(pairs.map((p) => codePointLength(p.a))),
    expertCodePoints: lengthStats(pairs.map((p) => codePointLength(p.b))),
  };
}

// ---------------------------------------------------------------- statistics

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function summarize(name: string, roundNs: readonly number[], pairs: number): Timing {
  const usPerPair = roundNs.map((ns) => ns / 1000 / pairs);
  return {
    name,
    rounds: roundNs.length,
    usPerPair,
    medianUs: median(usPerPair),
    minUs: Math.min(...usPerPair),
    maxUs: Math.max(...usPerPair),
    totalMs: roundNs.reduce((s, ns) => s + ns, 0) / 1e6,
  };
}

// ---------------------------------------------------------------- CPython

function pythonVersion(): string | null {
  const res = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });
  if (res.error || res.status !== 0) return null;
  return `${res.stdout}${res.stderr}`.trim().replace(/^Python\s+/, '');
}

function runCpython(pairs: readonly Pair[], groups: readonly Group[], rounds: number): CpythonResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'srl-kit-bench-'));
  try {
    const input = path.join(dir, 'corpus.json');
    const spans = groups.map((g) => [g.start, g.end]);
    writeFileSync(input, JSON.stringify({ rounds, pairs: pairs.map((p) => [p.a, p.b]), groups: spans }));
    const res = spawnSync(PYTHON, [CPYTHON_SCRIPT, input], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (res.error) throw res.error;
    if (res.status !== 0) throw new Error(`${path.basename(CPYTHON_SCRIPT)} exited with ${res.status}`);
    const out = JSON.parse(res.stdout) as { python: string; round_ns: number[]; group_ns: number[][]; ratios: number[] };
    if (out.ratios.length !== pairs.length) throw new Error(`CPython returned ${out.ratios.length} ratios for ${pairs.length} pairs`);
    return { python: out.python, roundNs: out.round_ns, groupNs: out.group_ns, ratios: out.ratios };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- JavaScript implementations

function loadDifflibNpm(): DifflibNpm {
  // CommonJS without type declarations; `require` keeps the type check strict.
  const require = createRequire(import.meta.url);
  return require('difflib') as DifflibNpm;
}

/**
 * A function that runs a full garbage collection: `globalThis.gc` when node runs
 * with `--expose-gc`, else enabled at run time; a no-op if neither works.
 */
function loadGc(): () => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

/**
 * One round per implementation, each its own loop so that neither call site is
 * polymorphic. Both write every ratio into `out`; the result is the elapsed ns.
 */
function difflibNpmRound(lib: DifflibNpm, as: readonly string[], bs: readonly string[], out: Float64Array): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < as.length; i++) {
    out[i] = new lib.SequenceMatcher(null, Array.from(as[i] as string), Array.from(bs[i] as string)).ratio();
  }
  return Number(process.hrtime.bigint() - t0);
}

/** One srl-kit round, timed group by group (as the CPython side); returns ns per group. */
function srlKitRound(as: readonly string[], bs: readonly string[], groups: readonly Group[], out: Float64Array): number[] {
  const ns: number[] = [];
  for (const { start, end } of groups) {
    const t0 = process.hrtime.bigint();
    for (let i = start; i < end; i++) {
      out[i] = sequenceRatio(as[i] as string, bs[i] as string);
    }
    ns.push(Number(process.hrtime.bigint() - t0));
  }
  return ns;
}

/** Warm-up, then `rounds` timed rounds, the two implementations alternating. */
function runJs(pairs: readonly Pair[], groups: readonly Group[], rounds: number): { difflibNpm: RunResult; srlKit: RunResult } {
  const lib = loadDifflibNpm();
  const gc = loadGc();
  const as = pairs.map((p) => p.a);
  const bs = pairs.map((p) => p.b);
  const npmOut = new Float64Array(pairs.length);
  const srlOut = new Float64Array(pairs.length);
  difflibNpmRound(lib, as, bs, npmOut);
  srlKitRound(as, bs, groups, srlOut);
  const npmNs: number[] = [];
  const srlNs: number[] = [];
  const srlGroupNs: number[][] = groups.map(() => []);
  for (let r = 0; r < rounds; r++) {
    gc();
    npmNs.push(difflibNpmRound(lib, as, bs, npmOut));
    gc();
    const perGroup = srlKitRound(as, bs, groups, srlOut);
    perGroup.forEach((ns, g) => srlGroupNs[g]?.push(ns));
    srlNs.push(perGroup.reduce((s, ns) => s + ns, 0));
  }
  return {
    difflibNpm: { roundNs: npmNs, ratios: npmOut },
    srlKit: { roundNs: srlNs, groupNs: srlGroupNs, ratios: srlOut },
  };
}

// ---------------------------------------------------------------- exactness

function mismatches(expected: ArrayLike<number>, got: ArrayLike<number>): Mismatch[] {
  const found: Mismatch[] = [];
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const g = got[i] as number;
    if (g !== e) found.push({ index: i, expected: e, got: g });
  }
  return found;
}

function recordedRatios(pairs: readonly Pair[]): number[] | null {
  const ratios = pairs.map((p) => p.recorded);
  return ratios.every((r): r is number => r !== null) ? ratios : null;
}

function checkExactness(pairs: readonly Pair[], cpython: CpythonResult | null, js: { difflibNpm: RunResult; srlKit: RunResult }): Exactness {
  const recorded = cpython === null ? recordedRatios(pairs) : null;
  const reference = cpython?.ratios ?? recorded;
  if (reference === null) return { reference: 'none', srlKitMismatches: [], difflibNpmMismatches: [] };
  return {
    reference: cpython !== null ? 'cpython' : 'recorded',
    srlKitMismatches: mismatches(reference, js.srlKit.ratios),
    difflibNpmMismatches: mismatches(reference, js.difflibNpm.ratios),
  };
}

// ---------------------------------------------------------------- report

function machineInfo(python: string | null): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
    python: python ?? 'not found',
    loadavg1m: Number(os.loadavg()[0]?.toFixed(2)),
  };
}

function speedups(cpython: Timing | null, npm: Timing, srl: Timing): Speedup[] {
  const list: Speedup[] = [];
  const make = (label: string, other: Timing, target: number): Speedup => {
    const factor = other.medianUs / srl.medianUs;
    return { label, factor, target, pass: factor >= target };
  };
  if (cpython !== null) list.push(make('srl-kit vs CPython difflib', cpython, TARGET_VS_CPYTHON));
  list.push(make('srl-kit vs difflib npm', npm, TARGET_VS_DIFFLIB_NPM));
  return list;
}

const fmt = (x: number, digits = 2): string => x.toFixed(digits);

function printHeader(opts: Options, stats: CorpusStats, machine: Record<string, string | number>): void {
  console.log('srl-kit bench: SequenceMatcher(None, action, expert).ratio() per pair\n');
  console.log(`machine : ${machine['cpu']} x${machine['cores']} (${machine['platform']}), load ${machine['loadavg1m']}`);
  console.log(`runtime : node ${machine['node']}, python ${machine['python']}`);
  console.log(`corpus  : ${path.relative(process.cwd(), opts.corpusPath) || opts.corpusPath}`);
  const s = (l: LengthStats): string => `mean ${fmt(l.mean, 1)}, median ${l.median}, max ${l.max}`;
  console.log(`          ${stats.pairs} pairs; action code points ${s(stats.actionCodePoints)}; expert ${s(stats.expertCodePoints)}`);
  console.log(`rounds  : 1 warm-up + ${opts.rounds} timed${opts.quick ? ' (--quick)' : ''}; µs/pair = round time / pairs\n`);
}

function printTable(timings: readonly Timing[]): void {
  const header = ['implementation', 'median µs/pair', 'min', 'max', 'total ms'];
  const rows = timings.map((t) => [t.name, fmt(t.medianUs), fmt(t.minUs), fmt(t.maxUs), fmt(t.totalMs, 0)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('\ndifflib npm is fed Array.from(a), Array.from(b) (code points, as Python compares);');
  console.log('that conversion is inside its timed region, since a user must do it too.\n');
}

function printSpeedups(list: readonly Speedup[]): void {
  for (const s of list) {
    const mark = s.pass ? 'PASS' : 'BELOW';
    console.log(`${s.label.padEnd(28)}: ${fmt(s.factor, 1)}x faster   (target >= ${s.target}x: ${mark})`);
  }
}

function printExactness(ex: Exactness, pairs: number): void {
  console.log('');
  if (ex.reference === 'none') {
    console.log('exactness: not checked (no python3 and no recorded ratios in the corpus)');
    return;
  }
  const ref = ex.reference === 'cpython' ? 'CPython' : "CPython (ratios recorded in the corpus, no python3 here)";
  const show = (name: string, list: readonly Mismatch[]): void => {
    const status = list.length === 0 ? `=== on all ${pairs} pairs` : `DIFFERS on ${list.length} of ${pairs} pairs`;
    console.log(`exactness: ${name.padEnd(11)} vs ${ref}: ${status}`);
    for (const m of list.slice(0, 5)) console.log(`           pair #${m.index}: expected ${m.expected}, got ${m.got}`);
  };
  show('srl-kit', ex.srlKitMismatches);
  show('difflib npm', ex.difflibNpmMismatches);
}

interface KindRow {
  readonly kind: string;
  readonly pairs: number;
  readonly cpythonUs: number;
  readonly srlKitUs: number;
  readonly factor: number;
}

/** Median µs per pair of each kind, for CPython and srl-kit, and the speed-up. */
function byKind(groups: readonly Group[], cpython: RunResult, srl: RunResult): KindRow[] {
  return groups.map((g, k) => {
    const n = g.end - g.start;
    const cpythonUs = median(cpython.groupNs?.[k] ?? [Number.NaN]) / 1000 / n;
    const srlKitUs = median(srl.groupNs?.[k] ?? [Number.NaN]) / 1000 / n;
    return { kind: g.kind, pairs: n, cpythonUs, srlKitUs, factor: cpythonUs / srlKitUs };
  });
}

function printByKind(rows: readonly KindRow[]): void {
  console.log('\nby kind of step (median µs/pair):');
  console.log(`  ${'kind'.padEnd(16)} ${'pairs'.padStart(5)} ${'CPython'.padStart(9)} ${'srl-kit'.padStart(8)}  speed-up`);
  for (const r of rows) {
    console.log(`  ${r.kind.padEnd(16)} ${String(r.pairs).padStart(5)} ${fmt(r.cpythonUs).padStart(9)} ${fmt(r.srlKitUs).padStart(8)}  ${fmt(r.factor, 1)}x`);
  }
}

function writeJson(file: string, report: object): void {
  writeFileSync(path.resolve(file), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

// ---------------------------------------------------------------- main

function main(): number {
  const started = performance.now();
  const opts = parseOptions(process.argv.slice(2));
  const all = loadCorpus(opts.corpusPath);
  const { pairs, groups } = groupByKind(opts.limit !== null ? evenSample(all, opts.limit) : all);
  const stats = corpusStats(pairs);
  const python = pythonVersion();
  const machine = machineInfo(python);
  printHeader(opts, stats, machine);

  let cpython: CpythonResult | null = null;
  if (python === null) console.log(`note: '${PYTHON}' not found; skipping CPython difflib\n`);
  else cpython = runCpython(pairs, groups, opts.rounds);
  const js = runJs(pairs, groups, opts.rounds);

  const cpythonTiming = cpython !== null ? summarize('CPython difflib', cpython.roundNs, pairs.length) : null;
  const npmTiming = summarize('difflib npm', js.difflibNpm.roundNs, pairs.length);
  const srlTiming = summarize('srl-kit', js.srlKit.roundNs, pairs.length);
  const timings = [cpythonTiming, npmTiming, srlTiming].filter((t): t is Timing => t !== null);
  const ups = speedups(cpythonTiming, npmTiming, srlTiming);
  const exactness = checkExactness(pairs, cpython, js);

  printTable(timings);
  printSpeedups(ups);
  const kinds = cpython !== null ? byKind(groups, cpython, js.srlKit) : [];
  if (kinds.length > 1) printByKind(kinds);
  printExactness(exactness, pairs.length);
  const wallS = (performance.now() - started) / 1000;
  console.log(`\nbench wall time: ${fmt(wallS, 1)} s (shared machines are noisy: compare medians, rerun when in doubt)`);
  if (opts.jsonPath !== null) {
    const options = { rounds: opts.rounds, quick: opts.quick, limit: opts.limit };
    writeJson(opts.jsonPath, { machine, options, corpus: stats, timings, speedups: ups, byKind: kinds, exactness, wallS });
  }
  return exactness.srlKitMismatches.length === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`bench/reward: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
