/**
 * `npm run bench:server [-- --quick]`: throughput and latency of the reward server's
 * `POST /reward` with batches of 64 real step pairs (test/fixtures/reward/pairs.jsonl.gz),
 * in the server layouts srl-kit offers, beside a pure-Python `http.server` + `difflib`
 * reference (bench/server_reference.py) under the same load in the same run:
 *
 * - one process, HTTP on its main thread, parsing + scoring on 1 or 2 worker threads
 *   (`createRewardServer({ workers })`);
 * - 1 or 2 processes sharing the port, each scoring on its own thread
 *   (`createRewardCluster({ processes })`, `srl serve --processes N`).
 *
 * The load comes from wrk when it is installed (`.ci/run` installs it), else from a minimal
 * raw-socket client (bench/server-load.mjs), in its own process, 8 keep-alive
 * connections (duration ~REQUESTS/500 s with wrk, REQUESTS requests otherwise); every layout first answers the same 8 requests, whose rewards
 * must equal `stepReward` computed here (and the reference's must too: only outputs that
 * both format checks accept are used). Medians over rounds; scaling = 2 vs 1 (target
 * >= 1.7x on 2 cores).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stepReward } from '../src/reward/index.js';
import { realPairs, type RealPair } from './real-pairs.js';

// The built package (what users run), hosted by plain `node` (bench/server-host.mjs): from
// here its workers and processes would inherit the tsx loader, which costs throughput.
if (!existsSync(new URL('../dist/server/index.js', import.meta.url))) {
  throw new Error('bench:server measures the built package: run `npm run build` first');
}

const quick = process.argv.includes('--quick');
const CONNECTIONS = 8;
const BATCH = 64;
const REQUESTS = quick ? 1500 : 4000;
const ROUNDS = quick ? 1 : 3;
const CHECKED = 8;

/** Real step pairs with a non-empty action (well formed for the reference's check too). */
const PAIRS = realPairs();
type Pair = RealPair;

const bodies: string[] = [];
const expected: number[][] = [];
for (let b = 0; b < 200; b++) {
  const picks = Array.from({ length: BATCH }, (_, i) => PAIRS[(b * 7919 + i * 31) % PAIRS.length] as Pair);
  const prompts = picks.map((_, i) => `Task ${b}.${i}: next step?\n`);
  bodies.push(JSON.stringify({ query: prompts.map((p, i) => p + picks[i]!.output), prompts, labels: picks.map((p) => p.expert) }));
  if (b < CHECKED) expected.push(picks.map((p) => stepReward(p.output, p.expert)));
}
const dir = mkdtempSync(join(tmpdir(), 'srl-bench-server-'));
const bodiesFile = join(dir, 'bodies.json');
writeFileSync(bodiesFile, JSON.stringify(bodies));

interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly loadCpuUsPerRequest: number;
}

// SRL_BENCH_LOADGEN=node forces the Node client even where wrk is installed.
const WRK = process.env['SRL_BENCH_LOADGEN'] !== 'node' && spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : undefined;
const wrkScript = join(dir, 'post.lua');
writeFileSync(join(dir, 'bodies.txt'), `${bodies.join('\n')}\n`);
writeFileSync(
  wrkScript,
  [
    'local bodies = {}',
    `for line in io.lines(${JSON.stringify(join(dir, 'bodies.txt'))}) do bodies[#bodies + 1] = line end`,
    'local i = 0',
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    'function setup(thread) end',
    'request = function()',
    '  i = i + 1',
    '  return wrk.format(nil, "/reward", nil, bodies[(i % #bodies) + 1])',
    'end',
    '',
  ].join('\n'),
);

/** `12.3ms` / `850.00us` / `1.2s` -> ms. */
function wrkMs(text: string): number {
  const m = /([\d.]+)(us|ms|s)\b/.exec(text);
  if (m === null) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/** wrk (C, one thread): the lightest load generator, used when it is installed. */
function loadWrk(url: string): Promise<LoadResult> {
  const seconds = Math.max(2, Math.round(REQUESTS / 500));
  return new Promise((resolve, reject) => {
    const child = spawn(WRK!, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', wrkScript, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}`));
      const line = (label: string): string => out.split('\n').find((l) => l.trim().startsWith(label)) ?? '';
      const sock = /connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      resolve({
        rps: Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1]),
        p50: wrkMs(line('50%').replace('50%', '')),
        p99: wrkMs(line('99%').replace('99%', '')),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        errors: sock === null ? 0 : sock.slice(1).reduce((a, b) => a + Number(b), 0),
        loadCpuUsPerRequest: NaN,
      });
    });
  });
}

/** Runs the load generator in its own process against `url`. */
function load(url: string): Promise<LoadResult> {
  if (WRK !== undefined) return loadWrk(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./server-load.mjs', import.meta.url)), url, bodiesFile, String(CONNECTIONS), String(REQUESTS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

/** The rewards of the first CHECKED bodies, one request at a time (also the warm-up). */
async function check(url: string): Promise<number[][]> {
  const got: number[][] = [];
  for (let b = 0; b < CHECKED; b++) {
    const res = await fetch(`${url}/reward`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[b]! });
    got.push(((await res.json()) as { rewards: number[] }).rewards);
  }
  return got;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Layout {
  readonly name: string;
  start(): Promise<{ url: string; stop: () => Promise<void> }>;
}

/** Starts bench/server-host.mjs with a layout; resolves with its URL. */
function host(layout: 'threads' | 'processes', n: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./server-host.mjs', import.meta.url)), layout, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`server host exited with ${code}`)));
    child.stdout.once('data', (d: Buffer) =>
      resolve({
        url: d.toString().trim(),
        stop: () => new Promise<void>((done) => {
          child.removeAllListeners('exit');
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      }),
    );
  });
}
const threads = (workers: number): Layout => ({
  name: `srl-kit, 1 process, ${workers} worker thread${workers > 1 ? 's' : ''}`,
  start: () => host('threads', workers),
});
const processes = (n: number): Layout => ({
  name: `srl-kit, ${n} process${n > 1 ? 'es' : ''} (cluster)`,
  start: () => host('processes', n),
});
const python: Layout = {
  name: 'Python http.server + difflib',
  async start() {
    const port = await freePort();
    const py = spawn('python3', [fileURLToPath(new URL('./server_reference.py', import.meta.url)), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      py.on('error', reject);
      py.stdout.once('data', () => resolve());
    });
    return {
      url: `http://127.0.0.1:${port}`,
      stop: () => new Promise<void>((resolve) => {
        py.once('exit', () => resolve());
        py.kill();
      }),
    };
  },
};

const cores = availableParallelism();
const layouts = [threads(1), threads(Math.min(2, cores)), processes(1), processes(Math.min(2, cores)), python];
const runs = new Map<string, LoadResult[]>(layouts.map((l) => [l.name, []]));
let allRight = true;
for (let round = 0; round < ROUNDS; round++) {
  for (const layout of layouts) {
    const { url, stop } = await layout.start();
    try {
      const got = await check(url);
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        allRight = false;
        console.error(`${layout.name}: rewards differ from stepReward`);
      }
      const r = await load(url);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${layout.name}: ${r.non2xx} non-2xx replies, ${r.errors} errors`);
      runs.get(layout.name)!.push(r);
    } finally {
      await stop();
    }
  }
}
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const med = (name: string, key: keyof LoadResult): number => median(runs.get(name)!.map((r) => r[key]));

console.log(
  `${CONNECTIONS} connections x ${REQUESTS} requests x ${BATCH} step pairs, ${ROUNDS} round(s), medians; ` +
    `${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.versions.node}; load generator: ${WRK === undefined ? 'bench/server-load.mjs (Node, raw sockets)' : 'wrk'} in its own process\n`,
);
console.log(`| server | req/s | step pairs/s | p50 ms | p99 ms |${WRK === undefined ? ' load generator CPU µs/req |' : ''}\n| --- | --- | --- | --- | --- |${WRK === undefined ? ' --- |' : ''}`);
for (const l of layouts) {
  console.log(
    `| ${l.name} | ${med(l.name, 'rps').toFixed(0)} | ${(med(l.name, 'rps') * BATCH).toFixed(0)} | ${med(l.name, 'p50').toFixed(1)} | ${med(l.name, 'p99').toFixed(1)} |${WRK === undefined ? ` ${med(l.name, 'loadCpuUsPerRequest').toFixed(0)} |` : ''}`,
  );
}
const [t1, t2, p1, p2, ref] = layouts.map((l) => med(l.name, 'rps')) as [number, number, number, number, number];
console.log(`\nscaling, 2 worker threads vs 1 (one process): ${(t2 / t1).toFixed(2)}x`);
console.log(`scaling, 2 processes vs 1 (cluster):           ${(p2 / p1).toFixed(2)}x (target >= 1.7x on 2 cores)`);
console.log(`speed-up vs the Python reference: ${(t2 / ref).toFixed(1)}x (threads), ${(p2 / ref).toFixed(1)}x (processes)`);
console.log(`rewards equal stepReward (first ${CHECKED} requests, every server): ${allRight}`);
if (!allRight) process.exitCode = 1;
