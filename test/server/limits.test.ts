import { connect, type Socket } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createScorePool } from '../../src/pool/index.js';
import { stepReward } from '../../src/reward/index.js';
import { createRewardServer, type RewardServer, type RewardServerOptions } from '../../src/server/index.js';
import { periodicPair } from '../helpers/periodic-pair.js';
import { call, fakePool, memoryLogger, raw } from './helpers.js';

const open: RewardServer[] = [];
async function start(options: RewardServerOptions = {}): Promise<{ server: RewardServer; url: string; port: number; log: ReturnType<typeof memoryLogger> }> {
  const log = memoryLogger();
  const server = createRewardServer({ port: 0, logger: log.log, ...options });
  open.push(server);
  const { url, port } = await server.listen();
  return { server, url, port, log };
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Opens a socket that sends `POST /reward` headers announcing 100 bytes, then one byte, then nothing. */
function stalledUpload(port: number): Promise<{ socket: Socket; closed: Promise<{ status: number; ms: number }> }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const t0 = performance.now();
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('error', () => undefined);
    const closed = new Promise<{ status: number; ms: number }>((done) => {
      socket.on('close', () => done({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), ms: performance.now() - t0 }));
    });
    socket.on('connect', () => {
      socket.write('POST /reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
      // Give the server time to see the request before the caller goes on.
      setTimeout(() => resolve({ socket, closed }), 50);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('stalled uploads cannot lock out scoring', () => {
  it('a request counts against maxConcurrent only once its body has arrived; the body has its own timeout (408, connection closed)', async () => {
    const { url, port, log } = await start({ workers: 0, maxConcurrent: 2, bodyTimeoutMs: 1_500 });
    const stalled = await Promise.all(Array.from({ length: 6 }, () => stalledUpload(port)));
    const health = await call(url, 'GET', '/health');
    expect(health.json).toMatchObject({ inFlight: 0, receiving: 6 });
    const r = await call(url, 'POST', '/reward', { query: ['<think>t</think> x = 5'], labels: ['x = 5'] });
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([1]);
    const ends = await Promise.all(stalled.map((s) => s.closed));
    for (const end of ends) {
      expect(end.status).toBe(408);
      expect(end.ms).toBeGreaterThan(1_000);
      expect(end.ms).toBeLessThan(6_000);
    }
    expect(log.entries.filter((e) => e.status === 408)).toHaveLength(6);
  });

  it('close() closes stalled uploads after shutdownGraceMs and still answers a request being scored', async () => {
    const { server, url, port } = await start({ pool: fakePool(600), shutdownGraceMs: 300 });
    const stalled = await stalledUpload(port);
    const scoring = call(url, 'POST', '/reward', { query: ['<think>a</think> b'], labels: ['b'] });
    await sleep(100);
    const t0 = performance.now();
    await server.close();
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect((await scoring).status).toBe(200);
    const end = await stalled.closed;
    expect(end.status).toBe(0); // closed without an answer: it never finished its request
  });
});

describe('the cost of an item is bounded in every layout', () => {
  const [output, target] = periodicPair(30_000);

  it.each([0, 1])('workers %i: an item over the work budget is a 422 naming it, and /health answers meanwhile', async (workers) => {
    const { url } = await start({ workers });
    const t0 = performance.now();
    const scoring = call(url, 'POST', '/score', { items: [{ output: '<think>t</think> ok', target: 'ok' }, { output, target }] });
    await sleep(50);
    const health = await call(url, 'GET', '/health');
    const healthMs = performance.now() - t0;
    expect(health.status).toBe(200);
    const r = await scoring;
    expect(r.status).toBe(422);
    expect(r.json.error.path).toBe('$.items[1]');
    expect(r.json.error.message).toMatch(/maxWork/);
    // Unbounded, this item costs seconds of one core (docs/benchmarks.md); the budget stops it well before.
    expect(healthMs).toBeLessThan(2_000);
  });

  it('an injected score pool: an item over the work budget is a 422 naming it, as in the server\'s own layouts', async () => {
    const pool = createScorePool({ workers: 1 });
    try {
      const { url } = await start({ pool });
      const r = await call(url, 'POST', '/score', { items: [{ output: '<think>t</think> ok', target: 'ok' }, { output, target }] });
      expect(r.status).toBe(422);
      expect(r.json.error.path).toBe('$.items[1]');
      expect(r.json.error.message).toMatch(/^comparing 30000 x 30000 code points needs more than maxWork/);
    } finally {
      await pool.close();
    }
  });

  it.each([0, 1])('workers %i: with no work budget the request deadline stops the scoring itself (504), and the server stays answerable', async (workers) => {
    const { url, server } = await start({ workers, maxWork: Infinity, requestTimeoutMs: 800 });
    const t0 = performance.now();
    const r = await call(url, 'POST', '/reward', { query: [output], labels: [target] });
    const ms = performance.now() - t0;
    expect(r.status).toBe(504);
    // Only the deadline inside the matcher says where it stopped (the response timer does not).
    expect(r.json.error.message).toMatch(/stopped inside \$\.query\[0\]/);
    expect(ms).toBeLessThan(2_500);
    const health = await call(url, 'GET', '/health');
    expect(health.json).toMatchObject({ status: 'ok', inFlight: 0 });
    // The worker stopped itself at the deadline: it was not killed and replaced.
    expect(server.workerStats.workerCrashes).toBe(0);
  });
});

describe('the operator sets ceilings, clients choose below them', () => {
  it('a client maxLength above the operator\'s is a 400; below it is honoured', async () => {
    const { url } = await start({ workers: 0, scoring: { maxLength: 20 } });
    // The same first 10 characters, then different ones: the ratio is 1 on 10, 0.5 on 20 (python3 difflib).
    const out = `<think>t</think>abcdefghij${'x'.repeat(20)}`;
    const target = `abcdefghij${'y'.repeat(30)}`;
    const over = await call(url, 'POST', '/score', { items: [{ output: out, target, options: { maxLength: 40 } }] });
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({ path: '$.items[0].options.maxLength' });
    expect(over.json.error.message).toMatch(/40 exceeds the server's ceiling \(maxLength 20\)/);
    const under = await call(url, 'POST', '/score', { items: [{ output: out, target, options: { maxLength: 10 } }] });
    expect(under.json.results[0].reward).toBe(1);
    const dflt = await call(url, 'POST', '/score', { items: [{ output: out, target }] });
    expect(dflt.json.results[0].reward).toBe(0.5);
  });

  it('maxWork is the operator\'s alone; autojunk off is refused when the operator requires autojunk', async () => {
    const { url } = await start({ workers: 0, scoring: { autojunk: true } });
    const mw = await call(url, 'POST', '/score', { items: [{ output: 'a', target: 'b', options: { maxWork: 1e12 } }] });
    expect(mw.json.error).toMatchObject({ status: 400, path: '$.items[0].options.maxWork' });
    expect(mw.json.error.message).toMatch(/operator only/);
    const aj = await call(url, 'POST', '/score', { items: [{ output: 'a', target: 'b', options: { autojunk: false } }] });
    expect(aj.json.error).toMatchObject({ status: 400, path: '$.items[0].options.autojunk' });
    const free = await start({ workers: 0 });
    const ok = await call(free.url, 'POST', '/score', { items: [{ output: '<think>t</think>a', target: 'a', options: { autojunk: false } }] });
    expect(ok.json.results).toEqual([{ reward: 1, ok: true }]);
  });

  it('a maxLength that is not a safe integer is a 400 (not a 500); a misspelt option names the nearest valid one', async () => {
    const { url } = await start({ workers: 0 });
    const huge = await call(url, 'POST', '/score', { items: [{ output: 'a', target: 'b', options: { maxLength: 1e308 } }] });
    expect(huge.status).toBe(400);
    expect(huge.json.error.path).toBe('$.items[0].options.maxLength');
    const typo = await call(url, 'POST', '/score', { items: [{ output: 'a', target: 'b', options: { metrik: 'lcs' } }] });
    expect(typo.json.error).toMatchObject({ status: 400, path: '$.items[0].options.metrik' });
    expect(typo.json.error.message).toMatch(/did you mean 'metric'\?/);
  });

  it('checks every option when the server is created', () => {
    expect(() => createRewardServer({ maxConcurrent: -1 })).toThrow(new RangeError("createRewardServer: option 'maxConcurrent' must be an integer >= 1, got -1"));
    expect(() => createRewardServer({ maxBodyBytes: 'big' as unknown as number })).toThrow(new TypeError("createRewardServer: option 'maxBodyBytes' must be an integer, got string"));
    expect(() => createRewardServer({ maxConcurent: 4 } as RewardServerOptions)).toThrow(/unknown option 'maxConcurent' in 'options' \(did you mean 'maxConcurrent'\?\)/);
    expect(() => createRewardServer({ maxWork: 0 })).toThrow(RangeError);
    expect(() => createRewardServer({ token: '' })).toThrow(/option 'token' must be a non-empty string/);
    expect(() => createRewardServer({ token: 'a b' })).toThrow(/whitespace/);
  });
});

describe('request bodies', () => {
  it('invalid UTF-8 is a 400 naming the byte offset (not silently replaced)', async () => {
    const { port } = await start({ workers: 0 });
    const body = Buffer.concat([Buffer.from('{"query":["<think>t</think> '), Buffer.from([0xff]), Buffer.from('"],"labels":["x"]}')]);
    const r = await raw(port, [`POST /reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, body.toString('latin1')], 0, 'latin1');
    expect(r.status).toBe(400);
    expect(r.text).toContain('not valid UTF-8 (bad byte at offset 28)');
  });

  it('Content-Encoding gzip and br are decoded; others are a 415; a compressed body is held to maxBodyBytes decoded', async () => {
    const { url, port } = await start({ workers: 0, maxBodyBytes: 10_000 });
    const json = JSON.stringify({ query: ['<think>t</think> x = 4'], labels: ['x = 5'] });
    const want = [stepReward('<think>t</think> x = 4', 'x = 5')];
    for (const [enc, data] of [['gzip', gzipSync(json)], ['br', brotliCompressSync(json)], ['GZIP', gzipSync(json)]] as const) {
      const r = await raw(port, [`POST /reward HTTP/1.1\r\nHost: x\r\nContent-Encoding: ${enc}\r\nContent-Length: ${data.length}\r\nConnection: close\r\n\r\n`, data.toString('latin1')], 0, 'latin1');
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4)).rewards).toEqual(want);
    }
    const compress = await call(url, 'POST', '/reward', json, { 'Content-Encoding': 'compress' });
    expect(compress.status).toBe(415);
    expect(compress.headers['accept-encoding']).toBe('gzip, deflate, br');
    const bomb = gzipSync(Buffer.alloc(1_000_000, 0x20));
    expect(bomb.length).toBeLessThan(10_000);
    const big = await raw(port, [`POST /reward HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n\r\n`, bomb.toString('latin1')], 0, 'latin1');
    expect(big.status).toBe(413);
    expect(big.text).toContain('decoded request body (gzip) exceeds 10000 bytes');
    const corrupt = Buffer.from('not gzip at all');
    const bad = await raw(port, [`POST /reward HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: ${corrupt.length}\r\n\r\n`, corrupt.toString('latin1')], 0, 'latin1');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('not valid gzip data');
  });

  it('a binary body is not echoed back: the JSON error message is printable ASCII', async () => {
    const { url } = await start({ workers: 0 });
    const r = await call(url, 'POST', '/reward', '\u0001\u001f\u008b garbage');
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/^malformed JSON: /);
    expect(r.json.error.message).toMatch(/^[\x20-\x7e]*$/);
  });

  it('an empty label or target is a 400 (the rule of srl score)', async () => {
    const { url } = await start({ workers: 0 });
    const label = await call(url, 'POST', '/reward', { query: ['a', 'b'], labels: ['x', ''] });
    expect(label.json.error).toMatchObject({ status: 400, path: '$.labels[1]' });
    expect(label.json.error.message).toMatch(/non-empty string/);
    const target = await call(url, 'POST', '/score', { items: [{ output: 'a', target: '' }] });
    expect(target.json.error).toMatchObject({ status: 400, path: '$.items[0].target' });
  });

  it('a request the client abandons is logged (status 499)', async () => {
    const { port, log } = await start({ pool: fakePool(400) });
    const body = JSON.stringify({ query: ['x'], labels: ['x'] });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(`POST /reward HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await sleep(100);
    socket.destroy();
    await sleep(600);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ path: '/reward', status: 499 });
    expect(log.entries[0]!.error).toMatch(/closed the connection/);
  });
});

describe('the bearer token', () => {
  it('the scheme is case-insensitive; a non-ASCII token matches as UTF-8 bytes', async () => {
    const token = 'clé-🔑';
    const { port } = await start({ workers: 0, token });
    const body = JSON.stringify({ query: ['<think>t</think>x'], labels: ['x'] });
    const send = (auth: Buffer): Promise<{ status: number }> =>
      raw(port, [Buffer.concat([Buffer.from('POST /reward HTTP/1.1\r\nHost: x\r\nAuthorization: '), auth, Buffer.from(`\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)]).toString('latin1')], 0, 'latin1');
    expect((await send(Buffer.from(`bearer ${token}`, 'utf8'))).status).toBe(200);
    expect((await send(Buffer.from(`BEARER ${token}`, 'utf8'))).status).toBe(200);
    expect((await send(Buffer.from('Bearer clé-🔒', 'utf8'))).status).toBe(401);
    expect((await send(Buffer.from('Basic abc', 'utf8'))).status).toBe(401);
  });

  it('after a 401 the connection is closed: the rest of the body is not read', async () => {
    const { port } = await start({ workers: 0, token: 's3cret' });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let reply = '';
    socket.on('data', (d) => (reply += d.toString('utf8')));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
    await new Promise<void>((r) => socket.on('connect', () => r()));
    const t0 = performance.now();
    socket.write('POST /reward HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n');
    // Keep sending for up to 8 s; the server should close long before.
    const writer = setInterval(() => {
      if (socket.destroyed) return;
      socket.write(Buffer.alloc(4096, 0x61));
    }, 5);
    const end = await Promise.race([closed, sleep(8_000).then(() => -1)]);
    clearInterval(writer);
    socket.destroy();
    expect(reply).toMatch(/^HTTP\/1\.1 401/);
    expect(end).toBeGreaterThan(0);
    expect(end - t0).toBeLessThan(4_000);
  });
});
