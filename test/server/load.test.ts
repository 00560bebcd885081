import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepReward } from '../../src/reward/index.js';
import { createRewardServer, type RewardServer } from '../../src/server/index.js';
import { raw } from './helpers.js';

const CLIENTS = 8;
const REQUESTS = 50;
const BATCH = 64;

function post(agent: Agent, url: string, body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/reward`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('load and faults (8 clients x 50 requests x 64 items, the server\'s own 2 workers)', () => {
  let server: RewardServer;
  let url = '';
  let port = 0;
  const prevEnv = process.env['SRL_POOL_TEST_CRASH'];
  beforeAll(async () => {
    process.env['SRL_POOL_TEST_CRASH'] = '1'; // enables the workers' crash hook
    server = createRewardServer({ port: 0, workers: 2, maxBodyBytes: 1 << 20, requestTimeoutMs: 30_000, logger: () => undefined });
    ({ url, port } = await server.listen());
  });
  afterAll(async () => {
    await server.close();
    if (prevEnv === undefined) delete process.env['SRL_POOL_TEST_CRASH'];
    else process.env['SRL_POOL_TEST_CRASH'] = prevEnv;
  });

  it('keeps serving with the right rewards in order; RSS stays bounded', async () => {
    const rss0 = process.memoryUsage().rss;
    const latencies: number[] = [];
    let wrong = 0;
    const t0 = performance.now();
    const client = async (c: number): Promise<void> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let r = 0; r < REQUESTS; r++) {
        const prompts = Array.from({ length: BATCH }, (_, i) => `P${c}.${r}.${i}: `);
        const outputs = prompts.map((_, i) => (i % 9 === 0 ? `bad ${c} ${r}` : `<think>c${c} r${r}</think> step ${(c * 7 + r * 3 + i) % 23} of ${i}`));
        const labels = prompts.map((_, i) => `step ${i % 23} of ${i}`);
        // One batch of client 0 carries the crash marker: its worker dies mid-batch, the server retries.
        if (c === 0 && r === 10) outputs[5] = '__srl_pool_crash:exit:once';
        const body = JSON.stringify({ query: prompts.map((p, i) => p + outputs[i]), prompts, labels });
        const t = performance.now();
        const res = await post(agent, url, body);
        latencies.push(performance.now() - t);
        const want = outputs.map((o, i) => stepReward(o, labels[i]!));
        if (res.status !== 200 || JSON.stringify(res.json.rewards) !== JSON.stringify(want)) wrong++;
      }
      agent.destroy();
    };
    const faults = async (): Promise<number[]> => {
      const statuses: number[] = [];
      for (let k = 0; k < 3; k++) {
        statuses.push((await raw(port, ['POST /reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{"query":'])).status);
        statuses.push((await raw(port, [`POST /reward HTTP/1.1\r\nHost: x\r\nContent-Length: ${2 << 20}\r\n\r\n`])).status);
      }
      return statuses;
    };
    const [, faultStatuses] = await Promise.all([Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c))), faults()]);
    const secs = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    const p50 = latencies[Math.floor(latencies.length * 0.5)]!;
    const items = CLIENTS * REQUESTS * BATCH;
    const rssGrowthMiB = (process.memoryUsage().rss - rss0) / 2 ** 20;
    console.log(
      `[server load] ${CLIENTS * REQUESTS} requests, ${items} items in ${secs.toFixed(2)} s: ` +
        `${(CLIENTS * REQUESTS / secs).toFixed(0)} req/s, ${(items / secs).toFixed(0)} items/s, ` +
        `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, RSS +${rssGrowthMiB.toFixed(1)} MiB`,
    );
    expect(wrong).toBe(0);
    expect(server.workerStats.workerCrashes).toBeGreaterThanOrEqual(1); // the killed worker
    expect(server.workerStats.retried).toBeGreaterThanOrEqual(1);
    expect(faultStatuses).toEqual([400, 413, 400, 413, 400, 413]);
    expect(rssGrowthMiB).toBeLessThan(512);
    const health = await new Promise<any>((resolve) => {
      request(`${url}/health`, (res) => {
        let t = '';
        res.on('data', (d) => (t += d));
        res.on('end', () => resolve(JSON.parse(t)));
      }).end();
    });
    expect(health).toMatchObject({ status: 'ok', workers: 2, inFlight: 0 });
  }, 120_000);

  it('a slow client that dribbles bytes gets a 408 while others are served', async () => {
    const s = createRewardServer({ port: 0, workers: 0, requestTimeoutMs: 400, logger: () => undefined });
    const { port: p, url: u } = await s.listen();
    try {
      const slow = raw(p, ['POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n', ...'{"items":[{"output":'.split('')], 60);
      const agent = new Agent();
      const ok = await post(agent, u, JSON.stringify({ query: ['<think>a</think> b'], labels: ['b'] }));
      expect(ok.json.rewards).toEqual([1]);
      expect((await slow).status).toBe(408);
      agent.destroy();
    } finally {
      await s.close();
    }
  });
});
