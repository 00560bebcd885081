import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { stepReward } from '../reward/step-reward.js';
import type { StepRewardOptions } from '../reward/step-scorer.js';
import { locateWorker } from './locate-worker.js';
import { createScorePool, scoreBatch, scoreItems, type ScoreItem } from './index.js';
import { periodicPair } from '../../test/helpers/periodic-pair.js';

const lines = gunzipSync(readFileSync(new URL('../../test/fixtures/reward/pairs.jsonl.gz', import.meta.url)))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const pairs = lines.map((l) => JSON.parse(l) as { output: string; expert: string });
const variants: (StepRewardOptions | undefined)[] = [
  undefined,
  { granularity: 'word' },
  { metric: 'lcs' },
  { autojunk: false, formatPenalty: 0 },
  { maxLength: 20, parse: { requireThink: false } },
];
const items: ScoreItem[] = pairs.slice(0, 2000).map((p, i) => {
  const options = variants[i % variants.length];
  return options ? { output: p.output, target: p.expert, options } : { output: p.output, target: p.expert };
});

const crashEnv = process.env['SRL_POOL_TEST_CRASH'];
process.env['SRL_POOL_TEST_CRASH'] = '1';
afterAll(() => {
  if (crashEnv === undefined) delete process.env['SRL_POOL_TEST_CRASH'];
});

describe('scoreItems', () => {
  it('equals stepReward and reports the parse status', () => {
    const results = scoreItems(items);
    expect(items.length).toBe(2000);
    results.forEach((r, i) => expect(r.reward).toBe(stepReward(items[i]!.output, items[i]!.target, items[i]!.options)));
    expect(scoreItems([{ output: 'x', target: 'x' }])).toEqual([{ reward: -1, ok: false, reason: 'missing-think' }]);
  });

  it('names the bad field before any work', () => {
    expect(() => scoreItems([{ output: 'a', target: 'b' }, { output: 1 } as never])).toThrow(/items\[1\]\.output/);
    expect(() => scoreItems([{ output: 'a', target: null } as never])).toThrow(/items\[0\]\.target/);
    expect(() => scoreItems([{ output: 'a', target: 'b', options: { metric: () => 1 } }])).toThrow(/items\[0\]\.options\.metric/);
  });
});

describe('locateWorker', () => {
  it('finds worker.ts from source (with the tsx loader)', () => {
    expect(locateWorker().filename).toMatch(/src[\\/]pool[\\/]worker\.ts$/);
    expect(locateWorker().execArgv).toEqual(['--import', 'tsx']);
  });

  it('finds worker.js / worker.cjs beside an ESM / CJS build, and pool/worker.* beside a split chunk', () => {
    const dist = mkdtempSync(join(tmpdir(), 'srl-pool-'));
    try {
      mkdirSync(join(dist, 'pool'));
      for (const f of ['pool/index.js', 'pool/index.cjs', 'pool/worker.js', 'pool/worker.cjs']) writeFileSync(join(dist, f), '');
      expect(locateWorker(join(dist, 'pool/index.js'))).toEqual({ filename: join(dist, 'pool/worker.js'), execArgv: [] });
      expect(locateWorker(join(dist, 'pool/index.cjs'))).toEqual({ filename: join(dist, 'pool/worker.cjs'), execArgv: [] });
      expect(locateWorker(join(dist, 'chunk-ABC.js')).filename).toBe(join(dist, 'pool/worker.js'));
      expect(locateWorker(join(dist, 'chunk-ABC.cjs')).filename).toBe(join(dist, 'pool/worker.cjs'));
      expect(() => locateWorker(join(dist, 'elsewhere/x/index.js'))).toThrow(/cannot find the worker/);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

describe('createScorePool', () => {
  for (const workers of [1, 2]) {
    it(`keeps order and equals scoreItems with ${workers} worker(s)`, async () => {
      const pool = createScorePool({ workers, chunkSize: 37 });
      try {
        expect(pool.workers).toBe(workers);
        expect(await pool.score(items)).toEqual(scoreItems(items));
        expect(pool.stats.tasks).toBe(Math.ceil(2000 / 37));
      } finally {
        await pool.close();
      }
    });
  }

  it('scores in this thread with workers: 0', async () => {
    const pool = createScorePool({ workers: 0, chunkSize: 100 });
    expect(await pool.score(items)).toEqual(scoreItems(items));
    expect(pool.stats.tasks).toBe(20);
    await pool.close();
  });

  it('validates before any work', async () => {
    const pool = createScorePool({ workers: 1 });
    await expect(pool.score([{ output: 'a', target: 'b', options: { granularity: (s: string) => [s] } }])).rejects.toThrow(
      /items\[0\]\.options\.granularity/,
    );
    expect(pool.stats.tasks).toBe(0);
    await pool.close();
  });

  for (const how of ['exit', 'throw']) {
    it(`replaces a crashed worker (${how}) and retries its chunk once`, async () => {
      const pool = createScorePool({ workers: 2, chunkSize: 50 });
      try {
        const batch = items.slice(0, 400).map((it, i) => (i === 120 ? { output: `__srl_pool_crash:${how}:once`, target: 'x' } : it));
        const results = await pool.score(batch);
        expect(results).toEqual(scoreItems(batch));
        expect(pool.stats.retried).toBeGreaterThanOrEqual(1);
        expect(pool.stats.workerCrashes).toBeGreaterThanOrEqual(1);
        expect(await pool.score(items.slice(0, 100))).toEqual(scoreItems(items.slice(0, 100)));
      } finally {
        await pool.close();
      }
    });
  }

  it('rejects naming the chunk when it fails twice', async () => {
    const pool = createScorePool({ workers: 2, chunkSize: 50 });
    try {
      const batch = items.slice(0, 200).map((it, i) => (i === 75 ? { output: '__srl_pool_crash:exit:always', target: 'x' } : it));
      await expect(pool.score(batch)).rejects.toThrow(/chunk 1 \(items 50\.\.99\) failed twice/);
      expect(await pool.score(items.slice(0, 10))).toEqual(scoreItems(items.slice(0, 10)));
    } finally {
      await pool.close();
    }
  });

  it('close() is idempotent and later score() rejects', async () => {
    const pool = createScorePool({ workers: 1 });
    await Promise.all([pool.close(), pool.close()]);
    await pool.close();
    await expect(pool.score(items.slice(0, 1))).rejects.toThrow(/after close/);
  });

  it('honours an aborted signal', async () => {
    const pool = createScorePool({ workers: 1 });
    await expect(pool.score(items, AbortSignal.abort())).rejects.toThrow();
    await pool.close();
  });

  it('scoreBatch equals scoreItems', async () => {
    expect(await scoreBatch(items.slice(0, 300), { workers: 2 })).toEqual(scoreItems(items.slice(0, 300)));
  });

  it('throughput on 20k items (printed, not asserted)', async () => {
    const big = Array.from({ length: 10 }, () => items).flat();
    for (const workers of [0, 1, 2]) {
      const pool = createScorePool({ workers });
      await pool.score(items.slice(0, 200)); // warm up
      const t0 = performance.now();
      await pool.score(big);
      const s = (performance.now() - t0) / 1000;
      console.log(`srl-kit pool: ${workers} worker(s): ${Math.round(big.length / s)} items/s (${big.length} items in ${s.toFixed(2)} s)`);
      await pool.close();
    }
  });
});

describe('limits (issue 17)', () => {
  const [output, target] = periodicPair(6000);
  const heavy: ScoreItem = { output, target, options: { maxWork: 100_000 } };

  it('a worker count beyond max(16, 4 x cores) is a RangeError at creation, not an out-of-memory crash', () => {
    expect(() => createScorePool({ workers: 1e6 })).toThrow(/^createScorePool: option 'workers' must be an integer in \[0, \d+\], got 1000000$/);
    expect(() => createScorePool({ wokers: 2 } as never)).toThrow(/did you mean 'workers'\?/);
  });

  it('an item over its maxWork is a ScoringLimitError naming items[i], in this thread and on the workers', async () => {
    const batch = [...items.slice(0, 70), heavy];
    expect(() => scoreItems(batch)).toThrow(/^scoreItems: items\[70\]: .*maxWork \(100000\)/);
    for (const workers of [0, 1]) {
      const pool = createScorePool({ workers });
      try {
        const err = await pool.score(batch).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RangeError);
        expect((err as Error).name).toBe('ScoringLimitError');
        expect((err as Error).message).toMatch(/^ScorePool\.score: items\[70\]: .*maxWork \(100000\)/);
        expect((err as { limit: string }).limit).toBe('maxWork');
      } finally {
        await pool.close();
      }
    }
  });

  it('score(items, signal) with many chunks gives no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    const pool = createScorePool({ workers: 1, chunkSize: 2 });
    try {
      const controller = new AbortController();
      const results = await pool.score(items.slice(0, 60), controller.signal);
      expect(results).toHaveLength(60);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      await pool.close();
    }
  });
});
