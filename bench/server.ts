/**
 * `npm run bench:server [-- --quick]`: throughput and latency of the reward server's
 * `POST /reward` under C concurrent keep-alive clients sending batches of 64, against a
 * pure-Python `http.server` + `difflib` reference (bench/server_reference.py) on the
 * same load, with real step pairs (the reward fixtures). Checks that both return the same
 * rewards (the reference's format check is simpler, so only well-formed outputs are used).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRewardServer } from '../src/server/index.js';

const quick = process.argv.includes('--quick');
const CLIENTS = 8;
const REQUESTS = quick ? 20 : 100;
const BATCH = 64;

function post(agent: Agent, url: string, body: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/reward`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { rewards: number[] }).rewards));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Real step pairs (test/fixtures/reward/pairs.jsonl.gz: expert steps from the shared
 * trajectories and edited copies, wrapped as model outputs), only those with a non-empty
 * action, so that every output is well formed for the reference too.
 */
const PAIRS = gunzipSync(readFileSync(fileURLToPath(new URL('../test/fixtures/reward/pairs.jsonl.gz', import.meta.url))))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { output: string; expert: string; action: string })
  .filter((p) => p.action !== '');

function makeBody(c: number, r: number): string {
  const picks = Array.from({ length: BATCH }, (_, i) => PAIRS[(c * 7919 + r * 104729 + i * 31) % PAIRS.length] as (typeof PAIRS)[number]);
  const prompts = picks.map((_, i) => `Task ${c}.${r}.${i}: next step?\n`);
  return JSON.stringify({ query: prompts.map((p, i) => p + (picks[i] as (typeof PAIRS)[number]).output), prompts, labels: picks.map((p) => p.expert) });
}

async function load(url: string): Promise<{ rps: number; items: number; p50: number; p99: number; rewards: number[][] }> {
  const lat: number[] = [];
  const rewards: number[][] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let r = 0; r < REQUESTS; r++) {
        const t = performance.now();
        const got = await post(agent, url, makeBody(c, r));
        lat.push(performance.now() - t);
        if (r === 0) rewards[c] = got;
      }
      agent.destroy();
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const n = CLIENTS * REQUESTS;
  return { rps: n / secs, items: (n * BATCH) / secs, p50: lat[Math.floor(n * 0.5)]!, p99: lat[Math.floor(n * 0.99)]!, rewards };
}

const fmt = (name: string, x: { rps: number; items: number; p50: number; p99: number }): string =>
  `| ${name} | ${x.rps.toFixed(0)} | ${x.items.toFixed(0)} | ${x.p50.toFixed(1)} | ${x.p99.toFixed(1)} |`;

async function runOurs(workers: number): Promise<Awaited<ReturnType<typeof load>>> {
  const server = createRewardServer({ port: 0, workers, logger: () => undefined });
  const { url } = await server.listen();
  await post(new Agent(), url, makeBody(0, 0)); // warm-up
  const result = await load(url);
  await server.close();
  return result;
}

// The same load with 1 worker and with 2 (target: at least 1.7x on 2 cores), then the reference.
const one = await runOurs(1);
const two = await runOurs(Math.min(2, availableParallelism()));
const ours = two;
const workers = 2;

let ref: Awaited<ReturnType<typeof load>> | undefined;
const py = spawn('python3', [fileURLToPath(new URL('./server_reference.py', import.meta.url)), '8765'], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise<boolean>((resolve) => {
  py.on('error', () => resolve(false));
  py.stdout.once('data', () => resolve(true));
});
if (ready) {
  ref = await load('http://127.0.0.1:8765');
  py.kill();
}

console.log(`${CLIENTS} clients x ${REQUESTS} requests x ${BATCH} items; srl-kit with 1 and ${workers} workers, ${availableParallelism()} cores\n`);
console.log('| server | req/s | items/s | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |');
console.log(fmt('srl-kit `createRewardServer`, 1 worker', one));
console.log(fmt('srl-kit `createRewardServer`, 2 workers', two));
console.log(`\nscaling, 2 workers vs 1 (items/s): ${(two.items / one.items).toFixed(2)}x (target >= 1.7x on 2 cores)`);
if (ref !== undefined) {
  console.log(fmt('Python http.server + difflib', ref));
  const same = JSON.stringify(ref.rewards) === JSON.stringify(ours.rewards);
  console.log(`\nspeed-up (items/s): ${(ours.items / ref.items).toFixed(1)}x; rewards identical: ${same}`);
  if (!same) process.exitCode = 1;
} else {
  console.log('\n(python3 not found: reference skipped)');
}
