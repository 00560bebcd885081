/**
 * Step rewards on worker threads (Node only): `createScorePool` runs
 * `stepReward` over large batches on a piscina pool, keeping order, retrying a
 * chunk once when its worker dies; `scoreBatch` is the one-shot form and
 * `scoreItems` the synchronous in-thread reference.
 *
 * Import from `srl-kit/pool`. Options must be JSON-serialisable (no custom
 * metrics, tokenizers or normalizers), since they are copied to the workers.
 *
 * @module pool
 */
export { createScorePool, scoreBatch } from './score-pool.js';
export { scoreItems } from './score-items.js';
export type { ScoreItem, ScorePool, ScorePoolOptions, ScorePoolStats, ScoreResult } from './types.js';
