import { request } from 'node:http';
import { connect } from 'node:net';
import { scoreItems, type ScoreItem, type ScorePool, type ScoreResult } from '../../src/pool/index.js';
import type { RequestLogEntry } from '../../src/server/index.js';

/** A response: status, headers and parsed JSON body. */
export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: any;
}

/** Sends one HTTP request on a fresh connection. */
export function call(url: string, method: string, path: string, body?: string | object, headers: Record<string, string> = {}): Promise<Reply> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers: { 'Content-Type': 'application/json', Connection: 'close', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: raw === '' ? undefined : JSON.parse(raw) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

/**
 * Writes raw chunks on a socket (as `encoding`: 'latin1' sends each character as one byte,
 * for binary bodies) and resolves with the status line's code and the whole reply.
 */
export function raw(port: number, chunks: readonly string[], gapMs = 0, encoding: BufferEncoding = 'utf8'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let text = '';
    sock.on('data', (d) => (text += d.toString('utf8')));
    sock.on('error', () => undefined);
    sock.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), text }));
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (sock.destroyed) break;
        sock.write(c, encoding);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
    setTimeout(() => {
      sock.destroy();
      reject(new Error('raw request timed out'));
    }, 20_000).unref();
  });
}

/** An in-thread pool (exact stepReward), with an optional delay, for fast tests. */
export function fakePool(delayMs = 0): Pick<ScorePool, 'score' | 'workers'> & { calls: number } {
  const p = {
    workers: 0,
    calls: 0,
    async score(items: readonly ScoreItem[], signal?: AbortSignal): Promise<ScoreResult[]> {
      p.calls++;
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      signal?.throwIfAborted();
      return scoreItems(items);
    },
  };
  return p;
}

/** A logger that records entries. */
export function memoryLogger(): { entries: RequestLogEntry[]; log: (e: RequestLogEntry) => void } {
  const entries: RequestLogEntry[] = [];
  return { entries, log: (e) => entries.push(e) };
}
