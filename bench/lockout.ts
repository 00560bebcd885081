/**
 * `npm run bench:lockout [-- --quick]`: can one client lock the reward server out? A
 * bounded load script (it stops by itself) that replays the attacks of issue 17 against
 * each layout of the built package with its default limits, while a legitimate client
 * keeps scoring:
 *
 * - 64 stalled uploads: `POST /reward` headers announcing 100 bytes, one byte sent, then
 *   nothing (they once held every `maxConcurrent` slot for 170 s);
 * - 2 adversarial requests, each one item: a periodic 101-symbol string of N code points
 *   against its reverse (N = 99 000 in the full run: about 367 s of CPU unbounded);
 * - meanwhile, one legitimate client sends batches of 64 real step pairs back to back
 *   (test/fixtures/reward/pairs.jsonl.gz) and polls `GET /health`;
 * - then SIGTERM, with the stalled uploads still open: the time to exit.
 *
 * It prints, per layout, the legitimate requests answered 200 and their latency, the
 * slowest `/health`, what the attackers got, and the time to exit; it exits with code 1
 * if a legitimate request failed, an attack item was not refused with a 422, a stalled
 * upload was still open after the server exited, or the server took longer than the
 * shutdown grace plus 5 s to exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stepReward } from '../src/reward/index.js';
import { realPairs, type RealPair } from './real-pairs.js';

if (!existsSync(new URL('../dist/server/index.js', import.meta.url))) {
  throw new Error('bench:lockout measures the built package: run `npm run build` first');
}

const quick = process.argv.includes('--quick');
const ATTACK_N = quick ? 40_000 : 99_000;
const STALLED = 64;
const LEGIT_SECONDS = quick ? 4 : 12;
const GRACE_MS = 5_000; // the default shutdownGraceMs

/** Real step pairs with a non-empty action (well formed for the reference's check too). */
const PAIRS = realPairs();
type Pair = RealPair;
const picks = Array.from({ length: 64 }, (_, i) => PAIRS[(i * 7919) % PAIRS.length] as Pair);
const legitBody = JSON.stringify({ query: picks.map((p) => p.output), labels: picks.map((p) => p.expert) });
const legitWant = picks.map((p) => stepReward(p.output, p.expert));

const symbols = Array.from({ length: 101 }, (_, i) => String.fromCharCode(0x100 + i)).join('');
const periodic = symbols.repeat(Math.ceil(ATTACK_N / 101)).slice(0, ATTACK_N);
const attackBody = JSON.stringify({ query: [`<think>t</think>${periodic}`], labels: [[...periodic].reverse().join('')] });

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly ms: number;
}
function post(url: string, path: string, body?: string): Promise<Reply> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method: body === undefined ? 'GET' : 'POST', agent: false, headers: { Connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - t0 }));
    });
    req.setTimeout(200_000);
    req.on('error', (e) => resolve({ status: 0, text: e.message, ms: performance.now() - t0 }));
    req.end(body);
  });
}

function stall(port: number): Promise<{ socket: Socket; status: Promise<number> }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    const status = new Promise<number>((done) => socket.on('close', () => done(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0))));
    socket.on('connect', () => {
      socket.write('POST /reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
      resolve({ socket, status });
    });
  });
}

function host(layout: string, n: number): Promise<{ child: ChildProcess; url: string; port: number }> {
  const args = [fileURLToPath(new URL('./lockout-host.mjs', import.meta.url)), layout, String(n)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/[^\s]+:(\d+))\n/.exec(out);
      if (m) resolve({ child, url: m[1]!, port: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`host ${layout} exited with ${code}`)));
  });
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

interface Row {
  layout: string;
  legitOk: number;
  legitTotal: number;
  legitWrong: number;
  p50: number;
  p99: number;
  max: number;
  healthMax: number;
  attacks: string;
  stalled: string;
  exitMs: number;
  failures: string[];
}

async function run(layout: string, n: number): Promise<Row> {
  const { child, url, port } = await host(layout, n);
  const failures: string[] = [];
  const stalled = await Promise.all(Array.from({ length: STALLED }, () => stall(port)));
  const attacks = [post(url, '/reward', attackBody), post(url, '/reward', attackBody)];
  const lat: number[] = [];
  const health: number[] = [];
  let ok = 0;
  let total = 0;
  let wrong = 0;
  const until = performance.now() + LEGIT_SECONDS * 1000;
  const healthLoop = (async () => {
    while (performance.now() < until) {
      const h = await post(url, '/health');
      health.push(h.status === 200 ? h.ms : Infinity);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  while (performance.now() < until) {
    const r = await post(url, '/reward', legitBody);
    total++;
    if (r.status === 200) {
      ok++;
      lat.push(r.ms);
      if (JSON.stringify(JSON.parse(r.text).rewards) !== JSON.stringify(legitWant)) wrong++;
    }
  }
  await healthLoop;
  const attackReplies = await Promise.all(attacks);
  // SIGTERM with the stalled uploads still open (those not yet timed out: the body timeout is 30 s).
  const t0 = performance.now();
  const exited = new Promise<number>((resolve) => child.on('exit', () => resolve(performance.now() - t0)));
  child.kill('SIGTERM');
  const exitMs = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(Infinity), 60_000))]);
  if (exitMs === Infinity) child.kill('SIGKILL');
  const stalledStatus = await Promise.all(stalled.map((s) => Promise.race([s.status, new Promise<number>((r) => setTimeout(() => r(-1), 2_000))])));
  for (const s of stalled) s.socket.destroy();

  if (ok !== total) failures.push(`${total - ok} of ${total} legitimate requests failed`);
  if (wrong > 0) failures.push(`${wrong} legitimate replies had wrong rewards`);
  for (const a of attackReplies) if (a.status !== 422) failures.push(`an attack got ${a.status}, expected 422`);
  // Still uploading at SIGTERM (their 30 s body timeout is far): cut off at the grace, never left open.
  const stillOpen = stalledStatus.filter((s) => s === -1).length;
  if (stillOpen > 0) failures.push(`${stillOpen} stalled uploads were still open after the server exited`);
  if (!(exitMs < GRACE_MS + 5_000)) failures.push(`exit after SIGTERM took ${exitMs} ms`);
  const count = (xs: number[]): string =>
    [...new Set(xs)].sort().map((s) => `${xs.filter((x) => x === s).length}x ${s === 0 ? 'closed' : s === -1 ? 'open' : s}`).join(', ');
  return {
    layout: `${layout}${layout === 'inthread' ? '' : ` ${n}`}`,
    legitOk: ok,
    legitTotal: total,
    legitWrong: wrong,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: Math.max(...lat),
    healthMax: Math.max(...health),
    attacks: attackReplies.map((a) => `${a.status} in ${(a.ms / 1000).toFixed(2)} s`).join(', '),
    stalled: count(stalledStatus),
    exitMs,
    failures,
  };
}

const rows: Row[] = [];
for (const [layout, n] of [['threads', 2], ['inthread', 0], ['processes', 2]] as const) rows.push(await run(layout, n));

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`\nbench:lockout${quick ? ' --quick' : ''}: ${STALLED} stalled uploads + 2 adversarial items (periodic ${ATTACK_N} vs its reverse) + one legitimate client for ${LEGIT_SECONDS} s; default limits`);
console.log(`machine: ${availableParallelism()} cores, ${cpu}, Node ${process.version}\n`);
console.log('| layout | legit 200 | legit p50 ms | legit p99 ms | legit max ms | slowest /health ms | attacks | stalled uploads after SIGTERM | exit after SIGTERM ms |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.layout} | ${r.legitOk}/${r.legitTotal} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.healthMax.toFixed(1)} | ${r.attacks} | ${r.stalled} | ${r.exitMs.toFixed(0)} |`);
}
const failed = rows.flatMap((r) => r.failures.map((f) => `${r.layout}: ${f}`));
if (failed.length > 0) {
  console.error(`\nFAILED:\n${failed.join('\n')}`);
  process.exitCode = 1;
}
