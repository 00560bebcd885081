import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stepReward } from '../../src/reward/index.js';
import { createRewardServer, type RewardServer, type RewardServerOptions } from '../../src/server/index.js';
import { call, fakePool, memoryLogger, raw } from './helpers.js';

const open: RewardServer[] = [];
/**
 * Each test runs in three modes: an injected pool (parsing on the main thread), the
 * server's own scoring on its main thread (workers 0), and one worker thread that
 * parses, scores and serialises.
 */
const MODES = [
  { mode: 'injected pool', options: (): RewardServerOptions => ({ pool: fakePool() }), workers: 0 },
  { mode: 'workers 0', options: (): RewardServerOptions => ({ workers: 0 }), workers: 0 },
  { mode: 'workers 1', options: (): RewardServerOptions => ({ workers: 1 }), workers: 1 },
] as const;
let modeOptions: () => RewardServerOptions = MODES[0].options;
async function start(options: RewardServerOptions = {}): Promise<{ server: RewardServer; url: string; port: number; log: ReturnType<typeof memoryLogger> }> {
  const log = memoryLogger();
  const server = createRewardServer({ port: 0, logger: log.log, ...modeOptions(), ...options });
  open.push(server);
  const { url, port } = await server.listen();
  return { server, url, port, log };
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const PROMPT = 'Solve: 2x = 10\n';
const outputs = ['<think>divide</think> x = 5', 'x = 4', '<think>hmm</think> x = 4'];
const labels = ['x = 5', 'x = 5', 'x = 5'];

describe.each(MODES)('createRewardServer ($mode)', ({ options, workers }) => {
  beforeEach(() => {
    modeOptions = options;
  });

  it('POST /reward speaks the OpenRLHF protocol', async () => {
    const { url, log } = await start();
    const r = await call(url, 'POST', '/reward', { query: outputs.map((o) => PROMPT + o), prompts: outputs.map(() => PROMPT), labels });
    expect(r.status).toBe(200);
    const want = outputs.map((o, i) => stepReward(o, labels[i]!));
    expect(r.json).toEqual({ rewards: want, scores: want, extra_logs: { format_ok: [1, 0, 1] } });
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ method: 'POST', path: '/reward', status: 200, items: 3 });
  });

  it('POST /reward without prompts scores the whole query; empty batch works', async () => {
    const { url } = await start();
    expect((await call(url, 'POST', '/reward', { query: outputs, labels })).json.rewards).toEqual(outputs.map((o, i) => stepReward(o, labels[i]!)));
    expect((await call(url, 'POST', '/reward', { query: [], prompts: [], labels: [] })).json).toEqual({ rewards: [], scores: [], extra_logs: { format_ok: [] } });
  });

  it('POST /reward: a query that does not start with its prompt is a 400 naming the index', async () => {
    const { url } = await start();
    const r = await call(url, 'POST', '/reward', { query: ['a', 'b'], prompts: ['a', 'x'], labels: ['1', '2'] });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ status: 400, path: '$.query[1]' });
  });

  it('POST /score applies server defaults under per-item options', async () => {
    const { url } = await start({ scoring: { formatPenalty: -2 } });
    const r = await call(url, 'POST', '/score', {
      items: [
        { output: 'x = 4', target: 'x = 5' },
        { output: '<think>t</think>ls -la', target: 'ls -l', options: { metric: 'lcs' } },
        { output: 'nope', target: 'y', options: { formatPenalty: -3 } },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.results.map((x: { reward: number }) => x.reward)).toEqual([-2, stepReward('<think>t</think>ls -la', 'ls -l', { metric: 'lcs' }), -3]);
    expect(r.json.results[0].ok).toBe(false);
    expect(typeof r.json.results[0].reason).toBe('string');
    expect(r.json.results[1]).toEqual({ reward: stepReward('<think>t</think>ls -la', 'ls -l', { metric: 'lcs' }), ok: true });
  });

  it('checks the scoring defaults when it is created', () => {
    expect(() => createRewardServer({ ...options(), scoring: { metric: 'bleu' as 'lcs' } })).toThrow(
      new TypeError('createRewardServer: option scoring.metric: expected "difflib" or "lcs"'),
    );
    expect(() => createRewardServer({ ...options(), scoring: { parse: { thinkTag: '' } } })).toThrow(/option scoring\.parse: .*thinkTag/);
    expect(() => createRewardServer({ workers: -1 })).toThrow(/^createRewardServer: option 'workers' must be an integer in \[0, \d+\], got -1$/);
    expect(() => createRewardServer({ workers: 1e6 })).toThrow(RangeError);
  });

  it('POST /score: step-format rules in options.parse (a prompt that already opened <think>)', async () => {
    const { url } = await start({ scoring: { parse: { implicitOpen: true } } });
    const output = 'plan first</think> x = 5';
    const r = await call(url, 'POST', '/score', {
      items: [
        { output, target: 'x = 5' },
        { output, target: 'x = 5', options: { parse: { implicitOpen: false } } },
        { output: '<reasoning>r</reasoning> x = 4', target: 'x = 5', options: { parse: { thinkTag: 'reasoning' } } },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.results).toEqual([
      { reward: stepReward(output, 'x = 5', { parse: { implicitOpen: true } }), ok: true },
      { reward: -1, ok: false, reason: 'unopened-think' },
      { reward: stepReward('<reasoning>r</reasoning> x = 4', 'x = 5', { parse: { thinkTag: 'reasoning' } }), ok: true },
    ]);
    expect(r.json.results[0].reward).toBe(1);
    const bad = await call(url, 'POST', '/score', { items: [{ output, target: 'y', options: { parse: { unwrapSolution: 'yes' } } }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ path: '$.items[0].options.parse' });
    expect(bad.json.error.message).toMatch(/unwrapSolution/);
    const unknown = await call(url, 'POST', '/score', { items: [{ output, target: 'y', options: { parse: { implicit: true } } }] });
    expect(unknown.json.error).toMatchObject({ status: 400, path: '$.items[0].options.parse.implicit' });
  });

  it('POST /score: options.parse.unwrapAction scores the command inside the framework\'s block (a RegExp cannot travel: 400)', async () => {
    const { url } = await start();
    const output = '<think>t</think>THOUGHT: list it.\n\n```mswea_bash_command\nls -la\n```';
    const r = await call(url, 'POST', '/score', { items: [{ output, target: 'ls -la', options: { parse: { unwrapAction: 'mini-swe-agent' } } }, { output, target: 'ls -la' }] });
    expect(r.status).toBe(200);
    expect(r.json.results[0]).toEqual({ reward: 1, ok: true });
    expect(r.json.results[1].reward).toBe(stepReward(output, 'ls -la'));
    expect(r.json.results[1].reward).toBeLessThan(1);
    const bad = await call(url, 'POST', '/score', { items: [{ output, target: 'x', options: { parse: { unwrapAction: {} } } }] });
    expect(bad.json.error).toMatchObject({ status: 400, path: '$.items[0].options.parse' });
  });

  it('GET /health, 404, 405', async () => {
    const { url } = await start();
    expect((await call(url, 'GET', '/health')).json).toEqual({ status: 'ok', workers, inFlight: 0, receiving: 0, pid: process.pid });
    const nf = await call(url, 'GET', '/nope');
    expect(nf.status).toBe(404);
    expect(nf.json.error.status).toBe(404);
    expect((await call(url, 'GET', '/reward')).status).toBe(405);
  });

  it('malformed JSON and wrong types are 400s with the parser message / JSON path', async () => {
    const { url } = await start();
    const bad = await call(url, 'POST', '/reward', '{"query": [');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^malformed JSON: /);
    const wrong = await call(url, 'POST', '/reward', { query: ['a', 'b', 'c', 'd'], labels: ['1', '2', '3', 4] });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.path).toBe('$.labels[3]');
    const opt = await call(url, 'POST', '/score', { items: [{ output: 'a', target: 'b', options: { metric: 'cosine' } }] });
    expect(opt.json.error.path).toBe('$.items[0].options.metric');
    const notObj = await call(url, 'POST', '/score', '[1]');
    expect(notObj.json.error.path).toBe('$');
    const count = await call(url, 'POST', '/reward', { query: ['a'], labels: [] });
    expect(count.json.error.path).toBe('$.labels');
  });

  it('bearer token: 401 without it, 200 with it, /health open', async () => {
    const { url } = await start({ token: 's3cret' });
    const body = { query: ['x'], labels: ['x'] };
    const no = await call(url, 'POST', '/reward', body);
    expect(no.status).toBe(401);
    expect(no.json.error.status).toBe(401);
    expect((await call(url, 'POST', '/reward', body, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call(url, 'POST', '/reward', body, { Authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await call(url, 'GET', '/health')).status).toBe(200);
  });

  it('limits: 413 on an oversize body (declared or streamed), 400 on a long item', async () => {
    const { url, port } = await start({ maxBodyBytes: 1000, maxItemChars: 50 });
    const big = JSON.stringify({ query: ['a'.repeat(5000)], labels: ['b'] });
    const declared = await raw(port, [`POST /reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`]);
    expect(declared.status).toBe(413);
    const chunked = await raw(port, [
      'POST /reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      ...Array.from({ length: 5 }, () => `400\r\n${'a'.repeat(0x400)}\r\n`),
    ], 5);
    expect(chunked.status).toBe(413);
    expect(chunked.text).toContain('exceeds 1000 bytes');
    const long = await call(url, 'POST', '/reward', { query: ['ok', 'a'.repeat(51)], labels: ['x', 'y'] });
    expect(long.status).toBe(400);
    expect(long.json.error.path).toBe('$.query[1]');
    const longLabel = await call(url, 'POST', '/reward', { query: ['ok'], labels: ['b'.repeat(51)] });
    expect(longLabel.json.error).toMatchObject({ status: 400, path: '$.labels[0]' });
    // A long prompt is fine: only the response (query minus prompt) and the label are compared.
    const prompt = 'h'.repeat(400);
    const longPrompt = await call(url, 'POST', '/reward', { query: [`${prompt}<think>t</think> x = 5`], prompts: [prompt], labels: ['x = 5'] });
    expect(longPrompt.status).toBe(200);
    expect(longPrompt.json.rewards).toEqual([1]);
    const longResponse = await call(url, 'POST', '/reward', { query: [`${prompt}${'r'.repeat(51)}`], prompts: [prompt], labels: ['x'] });
    expect(longResponse.json.error).toMatchObject({ status: 400, path: '$.query[0]' });
    expect(longResponse.json.error.message).toMatch(/response \(the query minus its prompt\) of 51 chars exceeds maxItemChars \(50\)/);
  });

  it('503 with Retry-After beyond maxConcurrent', async () => {
    const { url } = await start({ maxConcurrent: 2, pool: fakePool(300) });
    const body = { query: ['x'], labels: ['x'] };
    const replies = await Promise.all([1, 2, 3, 4].map(() => call(url, 'POST', '/reward', body)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503]);
    expect(replies.find((r) => r.status === 503)!.headers['retry-after']).toBe('1');
  });

  it('408 for a body that dribbles past the budget, 504 for slow scoring', async () => {
    const { port } = await start({ requestTimeoutMs: 300 });
    const slow = await raw(port, ['POST /reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n', ...'{"query":'.split('')], 100);
    expect(slow.status).toBe(408);
    const s2 = await start({ requestTimeoutMs: 200, pool: fakePool(1000) });
    const r = await call(s2.url, 'POST', '/reward', { query: ['x'], labels: ['x'] });
    expect(r.status).toBe(504);
  });

  it('close() is graceful: an in-flight request finishes, new connections are refused', async () => {
    const { server, url } = await start({ pool: fakePool(400) });
    const pending = call(url, 'POST', '/reward', { query: ['<think>a</think> b'], labels: ['b'] });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.inFlight).toBe(1);
    const closed = server.close();
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([1]);
    await closed;
    await expect(call(url, 'GET', '/health')).rejects.toThrow();
  });
});
