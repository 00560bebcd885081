/**
 * Worst-case cost of one item: the step reward on inputs chosen to be slow, and on long
 * real text, with the work units each comparison counts (`maxWork`, docs/reward.md).
 *
 * What it measures, per item (one `stepReward(output, expert, options)` call):
 *   - the wall time (median over rounds; a full garbage collection before each round,
 *     outside the timed region; one warm-up call of the same kind before the first);
 *   - the work units the comparison counted, and ns per unit (time / units);
 *   - for items that would run for minutes, the time until `maxWork` stops them: the
 *     work units then are `maxWork`, and ns per unit is measured on the same input.
 *
 * Inputs (each an (action, expert step) pair; `n` code points on each side):
 *   lcs-random        two random strings over 26 letters, `metric: 'lcs'`; also the
 *                     previous implementation (the diff package's Myers diff on the
 *                     code points, what `lcsRatio` ran before the bit-vector LCS) at
 *                     the sizes where it finishes, and the speed-up
 *   ab-vs-ba          'ab' repeated against 'ba' repeated, `autojunk: false`
 *   dna-random        two random strings over ACGT, `autojunk: false`
 *   periodic-reverse  a string of 101 distinct symbols repeated to n, against its
 *                     reverse, default options (every symbol just under autojunk's
 *                     popularity threshold, so nothing is skipped)
 *   real-edited       long real text (chain-of-thought, GSM8K solutions, tau-bench
 *                     chats, SWE-agent trajectories: test/fixtures/trajectories), the
 *                     first n code points, against a copy with one edit per 200 characters
 *   real-unrelated    the same text against the next source's first n code points
 *   real-loop         a degenerate generation (one real line repeated to n) against it
 * The real-text items run with the default options, and also `autojunk: false` and
 * `'lcs'` in the full run.
 *
 * At the end it prints, per metric, the largest ns per unit measured on inputs of
 * 20,000+ code points, and the `maxWork` that bounds an item to the target time at that
 * rate, next to the most units any real-text item needed.
 *
 * Usage: `npm run bench:adversarial [-- options]`
 *   --quick            reduced sizes and rounds (well under a minute on 2 cores; CI)
 *   --rounds <n>       timed rounds per item (default 5; quick 3); items over 3 s (quick: 1 s) get 1
 *   --max-work <n>     the budget that stops the runaway items (default 100000000)
 *   --target-ms <n>    the per-item time the suggested maxWork aims at (default 500)
 *   --json <path>      also write every number to a JSON file
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { diffArrays } from 'diff';
import { ScoringLimitError, stepReward, type StepRewardOptions } from '../src/reward/index.js';
import { meter } from '../src/reward/scoring-limits.js';

const DEFAULT_MAX_WORK = 100_000_000;
/** Items slower than this get one round (full run; 1 s with --quick). */
const SLOW_MS = 3000;

interface Options {
  readonly quick: boolean;
  readonly rounds: number;
  readonly maxWork: number;
  readonly targetMs: number;
  readonly jsonPath: string | null;
}

interface Item {
  readonly input: string;
  readonly n: number;
  readonly label: string;
  readonly metric: 'difflib' | 'lcs';
  readonly options: StepRewardOptions;
  readonly action: string;
  readonly expert: string;
  /** Run under `maxWork` (it would take minutes without). */
  readonly capped: boolean;
  /** Also time the previous LCS (the diff package). */
  readonly old: boolean;
  readonly real: boolean;
}

interface Result {
  readonly input: string;
  readonly n: number;
  readonly options: string;
  readonly metric: 'difflib' | 'lcs';
  readonly real: boolean;
  /** Median ms per item (to the stop, when stopped). */
  readonly ms: number;
  readonly rounds: number;
  readonly units: number;
  readonly nsPerUnit: number;
  /** 'ok', or 'stopped by maxWork'. */
  readonly outcome: string;
  readonly reward: number | null;
  readonly oldMs: number | null;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      'max-work': { type: 'string' },
      'target-ms': { type: 'string' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  return {
    quick,
    rounds: values.rounds !== undefined ? positiveInt(values.rounds, '--rounds') : quick ? 3 : 5,
    maxWork: values['max-work'] !== undefined ? positiveInt(values['max-work'], '--max-work') : DEFAULT_MAX_WORK,
    targetMs: values['target-ms'] !== undefined ? positiveInt(values['target-ms'], '--target-ms') : 500,
    jsonPath: values.json ?? null,
  };
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

// ---------------------------------------------------------------- inputs

/** A deterministic generator (Park-Miller), so every run compares the same strings. */
function generator(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 48271) % 2147483647;
    return x % n;
  };
}

function randomText(n: number, alphabet: string, seed: number): string {
  const next = generator(seed);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[next(alphabet.length)];
  return out;
}

/** 101 distinct symbols (Latin Extended-A, U+0100..U+0164) in a shuffled order, repeated to n; and its reverse. */
function periodic(n: number): [string, string] {
  const next = generator(101);
  const symbols = Array.from({ length: 101 }, (_, i) => String.fromCharCode(0x100 + i));
  for (let i = symbols.length - 1; i > 0; i--) {
    const j = next(i + 1);
    [symbols[i], symbols[j]] = [symbols[j] as string, symbols[i] as string];
  }
  const text = symbols.join('').repeat(Math.ceil(n / 101)).slice(0, n);
  return [text, Array.from(text).reverse().join('')];
}

/**
 * Long real text from the trajectory fixtures (public files, see their SOURCES.txt), each
 * source at least 100,000 code points without repeating itself:
 *   cot    Sky-T1 long chain-of-thought answers to AIME problems (prose and LaTeX)
 *   gsm8k  GSM8K reference solutions (short arithmetic steps)
 *   chat   tau-bench airline conversations with tool calls (the JSON file as it is)
 *   agent  SWE-agent and mini-swe-agent trajectories: thoughts, commands, code, output
 */
function realSources(): Map<string, string> {
  const read = (path: string) => readFileSync(new URL(`../test/fixtures/trajectories/${path}`, import.meta.url), 'utf8');
  const jsonl = (path: string) => read(path).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  const cot = jsonl('math/skythought_Sky-T1-32B-ckpt140_aime24_outputs.jsonl').flatMap((row) => row['code'] as string[]);
  const gsm8k = jsonl('math/gsm8k_test.jsonl').map((row) => row['answer'] as string);
  const sources = new Map<string, string>([
    ['cot', cot.join('\n\n')],
    ['gsm8k', gsm8k.join('\n\n')],
    ['chat', read('chat/tau-bench_gpt-4o-airline_first10.json')],
    [
      'agent',
      [
        read('agent/sweagent_marshmallow-1867_thought_action.traj'),
        read('agent/sweagent_str_replace_anthropic_demo.yaml'),
        read('agent/mini-swe-agent_github_issue.traj.json'),
      ].join('\n'),
    ],
  ]);
  for (const [name, text] of sources) {
    if (Array.from(text).length < 100_000) throw new Error(`real text '${name}' has fewer than 100,000 code points`);
  }
  return sources;
}

/** The first n code points. */
function head(text: string, n: number): string {
  return Array.from(text).slice(0, n).join('');
}

/** A degenerate generation: the first line of `text` longer than 40 characters, repeated to n. */
function loop(text: string, n: number): string {
  const line = text.split('\n').find((l) => l.trim().length > 40) ?? text.slice(0, 80);
  return head(`${line}\n`.repeat(Math.ceil(n / (line.length + 1))), n);
}

/** One edit (deletion, insertion or substitution) per 200 characters. */
function edited(text: string, seed: number): string {
  const next = generator(seed);
  const chars = text.split('');
  for (let e = 0; e < Math.floor(text.length / 200); e++) {
    const at = next(chars.length);
    const kind = next(3);
    if (kind === 0) chars.splice(at, 1);
    else if (kind === 1) chars.splice(at, 0, 'x');
    else chars[at] = 'y';
  }
  return chars.join('');
}

function items(opts: Options): Item[] {
  const q = opts.quick;
  const list: Item[] = [];
  const add = (input: string, n: number, options: StepRewardOptions, action: string, expert: string, flags: Partial<Pick<Item, 'capped' | 'old' | 'real'>> = {}) => {
    const label = Object.keys(options).length === 0 ? 'default' : JSON.stringify(options).replace(/"/g, '');
    list.push({ input, n, label, metric: options.metric === 'lcs' ? 'lcs' : 'difflib', options, action, expert, capped: false, old: false, real: false, ...flags });
  };
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const n of [4000, 10_000, 100_000]) {
    add('lcs-random', n, { metric: 'lcs' }, randomText(n, letters, 1), randomText(n, letters, 2), { old: n <= (q ? 4000 : 10_000) });
  }
  for (const n of q ? [10_000] : [10_000, 20_000]) {
    add('ab-vs-ba', n, { autojunk: false }, 'ab'.repeat(n / 2), 'ba'.repeat(n / 2));
    add('dna-random', n, { autojunk: false }, randomText(n, 'ACGT', 3), randomText(n, 'ACGT', 4));
  }
  add('ab-vs-ba', 100_000, { autojunk: false }, 'ab'.repeat(50_000), 'ba'.repeat(50_000), { capped: true });
  add('dna-random', 100_000, { autojunk: false }, randomText(100_000, 'ACGT', 3), randomText(100_000, 'ACGT', 4), { capped: true });
  for (const n of q ? [10_000, 20_000] : [10_000, 20_000, 40_000]) add('periodic-reverse', n, {}, ...periodic(n));
  if (!q) add('periodic-reverse', 99_000, {}, ...periodic(99_000), { capped: true });
  const sources = realSources();
  const names = [...sources.keys()];
  const real = (source: string, n: number, options: readonly StepRewardOptions[], unrelated: readonly StepRewardOptions[], withLoop: boolean) => {
    const text = head(sources.get(source) as string, n);
    const other = head(sources.get(names[(names.indexOf(source) + 1) % names.length] as string) as string, n);
    for (const o of options) add(`real-edited ${source}`, n, o, edited(text, 5), text, { real: true });
    for (const o of unrelated) add(`real-unrelated ${source}`, n, o, other, text, { real: true });
    if (withLoop) add(`real-loop ${source}`, n, {}, loop(text, n), text, { real: true });
  };
  const lcs = { metric: 'lcs' as const };
  const noJunk = { autojunk: false };
  if (!q) for (const n of [10_000, 30_000]) real('cot', n, [{}, noJunk, lcs], [{}, lcs], true);
  for (const source of names) {
    if (q) real(source, 100_000, source === 'cot' ? [{}, lcs] : [{}], [{}], true);
    else real(source, 100_000, [{}, noJunk, lcs], [{}, lcs], true);
  }
  return list;
}

// ---------------------------------------------------------------- timing

function loadGc(): () => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One call: ms, units, reward (null when stopped by maxWork). */
function once(item: Item, maxWork: number): { ms: number; units: number; reward: number | null } {
  const options = item.capped ? { ...item.options, maxWork } : item.options;
  const output = `<think>t</think>${item.action}`;
  const t0 = process.hrtime.bigint();
  try {
    const reward = stepReward(output, item.expert, options);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return { ms, units: meter.work, reward };
  } catch (err) {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!(err instanceof ScoringLimitError) || !item.capped) throw err;
    return { ms, units: err.work, reward: null };
  }
}

/** The previous lcs metric: the diff package's Myers diff on code points. */
function oldLcsRatio(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  let common = 0;
  for (const change of diffArrays(x, y)) if (!change.added && !change.removed) common += change.count;
  const total = x.length + y.length;
  return total ? (2 * common) / total : 1;
}

function timeItem(item: Item, opts: Options, gc: () => void): Result {
  const times: number[] = [];
  let units = 0;
  let reward: number | null = null;
  // Warm-up on a small input of the same kind, so the first timed call is not compiling.
  once({ ...item, action: item.action.slice(0, 2000), expert: item.expert.slice(0, 2000), capped: false }, opts.maxWork);
  for (let r = 0; r < opts.rounds; r++) {
    gc();
    const run = once(item, opts.maxWork);
    if (r > 0 && run.units !== units) throw new Error(`${item.input} ${item.n}: work units changed between rounds (${units}, ${run.units})`);
    times.push(run.ms);
    units = run.units;
    reward = run.reward;
    if (run.ms > (opts.quick ? 1000 : SLOW_MS)) break;
  }
  let oldMs: number | null = null;
  if (item.old) {
    const oldTimes: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      gc();
      const t0 = process.hrtime.bigint();
      const ratio = oldLcsRatio(item.action, item.expert);
      oldTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (ratio !== reward) throw new Error(`${item.input} ${item.n}: the old lcs gives ${ratio}, the new ${reward}`);
      if ((oldTimes.at(-1) as number) > (opts.quick ? 1000 : SLOW_MS)) break;
    }
    oldMs = median(oldTimes);
  }
  const ms = median(times);
  return {
    input: item.input,
    n: item.n,
    options: item.label,
    metric: item.metric,
    real: item.real,
    ms,
    rounds: times.length,
    units,
    nsPerUnit: units > 0 ? (ms * 1e6) / units : 0,
    outcome: reward === null ? `stopped by maxWork` : 'ok',
    reward,
    oldMs,
  };
}

// ---------------------------------------------------------------- report

function fmtInt(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printResults(results: readonly Result[]): void {
  const head = ['input', 'n', 'options', 'ms/item', 'rounds', 'work units', 'ns/unit', 'outcome', 'old lcs ms', 'speed-up'];
  const rows = results.map((r) => [
    r.input,
    fmtInt(r.n),
    r.options,
    r.ms.toFixed(r.ms < 10 ? 2 : 0),
    String(r.rounds),
    fmtInt(r.units),
    r.units > 0 ? r.nsPerUnit.toFixed(2) : '-',
    r.outcome,
    r.oldMs === null ? '' : r.oldMs.toFixed(0),
    r.oldMs === null ? '' : `${(r.oldMs / r.ms).toFixed(0)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const numeric = new Set([1, 3, 4, 5, 6, 8, 9]);
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, widths[i] as number, numeric.has(i))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

interface Summary {
  readonly metric: 'difflib' | 'lcs';
  readonly worstNsPerUnit: number;
  readonly worstInput: string;
  readonly maxWorkForTarget: number;
  /** The most units of a real-text item (edited or unrelated; default autojunk). */
  readonly realMaxUnits: number;
  readonly realMaxInput: string;
  /** The most units of a degenerate generation (real-loop). */
  readonly loopMaxUnits: number;
  readonly loopMaxInput: string;
}

function summarize(results: readonly Result[], targetMs: number): Summary[] {
  const out: Summary[] = [];
  for (const metric of ['difflib', 'lcs'] as const) {
    // ns per unit is meaningful where the counted loops dominate: large items of 10M+ units.
    const big = results.filter((r) => r.metric === metric && r.n >= 20_000 && r.units >= 10_000_000);
    if (big.length === 0) continue;
    const worst = big.reduce((w, r) => (r.nsPerUnit > w.nsPerUnit ? r : w));
    const most = (list: readonly Result[]) => list.reduce<Result | null>((w, r) => (w === null || r.units > w.units ? r : w), null);
    const real = results.filter((r) => r.metric === metric && r.real && !r.options.includes('autojunk:false'));
    const realMax = most(real.filter((r) => !r.input.startsWith('real-loop')));
    const loopMax = most(real.filter((r) => r.input.startsWith('real-loop')));
    const name = (r: Result | null) => (r === null ? '-' : `${r.input} ${fmtInt(r.n)} ${r.options}`);
    out.push({
      metric,
      worstNsPerUnit: worst.nsPerUnit,
      worstInput: name(worst),
      maxWorkForTarget: Math.floor((targetMs * 1e6) / worst.nsPerUnit),
      realMaxUnits: realMax?.units ?? 0,
      realMaxInput: name(realMax),
      loopMaxUnits: loopMax?.units ?? 0,
      loopMaxInput: name(loopMax),
    });
  }
  return out;
}

function printSummary(list: readonly Summary[], opts: Options): void {
  console.log(`\nper metric, on items of 20,000+ code points and 10M+ work units (target ${opts.targetMs} ms per item):`);
  for (const s of list) {
    console.log(`  ${s.metric}: worst ${s.worstNsPerUnit.toFixed(2)} ns/unit (${s.worstInput}) -> maxWork ${fmtInt(s.maxWorkForTarget)} for ${opts.targetMs} ms`);
    console.log(`    real text needs at most ${fmtInt(s.realMaxUnits)} units (${s.realMaxInput})`);
    if (s.loopMaxUnits > 0) console.log(`    a degenerate generation (one line repeated) up to ${fmtInt(s.loopMaxUnits)} units (${s.loopMaxInput})`);
  }
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
    loadavg1m: Number(os.loadavg()[0]?.toFixed(2)),
    date: new Date().toISOString().slice(0, 10),
  };
  console.log(`machine : ${machine.cpu}, ${machine.cores} cores, ${machine.platform}, Node.js ${machine.node}, load ${machine.loadavg1m}`);
  console.log(`rounds  : ${opts.rounds} (items over ${opts.quick ? 1 : SLOW_MS / 1000} s: 1), median ms per item; capped items run under maxWork ${fmtInt(opts.maxWork)}${opts.quick ? ' (--quick)' : ''}\n`);
  const gc = loadGc();
  const started = Date.now();
  const results: Result[] = [];
  for (const item of items(opts)) results.push(timeItem(item, opts, gc));
  printResults(results);
  const summary = summarize(results, opts.targetMs);
  printSummary(summary, opts);
  console.log(`\nbench wall time: ${((Date.now() - started) / 1000).toFixed(1)} s (shared machines are noisy: compare medians, rerun when in doubt)`);
  if (opts.jsonPath !== null) {
    writeFileSync(opts.jsonPath, `${JSON.stringify({ machine, options: opts, results, summary }, null, 2)}\n`);
    console.log(`wrote ${opts.jsonPath}`);
  }
}

main();
