import type { StepRewardOptions } from '../reward/step-scorer.js';

/**
 * One output to score against its expert step. `options` must be JSON-serialisable
 * (it is copied to a worker thread): `metric` `'difflib'`/`'lcs'`, `granularity`
 * `'char'`/`'word'`, `formatPenalty`, `autojunk`, `maxLength`, `maxWork` and `parse`; no
 * functions (custom metrics, tokenizers and normalizers are rejected).
 */
export interface ScoreItem {
  /** The model's whole output for this step. */
  readonly output: string;
  /** The expert step (the target). */
  readonly target: string;
  /** Reward options, as for `stepReward` (JSON-safe subset only). */
  readonly options?: StepRewardOptions;
}

/** The result of scoring one {@link ScoreItem}. */
export interface ScoreResult {
  /** The step reward, exactly `stepReward(output, target, options)`. */
  readonly reward: number;
  /** Whether the output follows the step format (`parseStepOutput(...).ok`). */
  readonly ok: boolean;
  /** Why the output does not follow the format, when `ok` is false. */
  readonly reason?: string;
}

/** Options of {@link createScorePool} and {@link scoreBatch}. */
export interface ScorePoolOptions {
  /**
   * Worker threads (default `os.availableParallelism()`); `0` scores in this thread, a
   * slice of about 10 ms at a time. At most `max(16, 4 x os.availableParallelism())`.
   */
  readonly workers?: number;
  /** Most chunks waiting in the pool's queue (default: unlimited); beyond it `score` rejects. */
  readonly maxQueue?: number;
  /** Items per task sent to a worker (default 64). */
  readonly chunkSize?: number;
}

/** Counters of a {@link ScorePool}. */
export interface ScorePoolStats {
  /** Chunks run (each attempt counts). */
  tasks: number;
  /** Chunks retried after a worker failure. */
  retried: number;
  /** Worker failures seen (exits or uncaught errors). */
  workerCrashes: number;
}

/** A pool of worker threads that compute step rewards; see {@link createScorePool}. */
export interface ScorePool {
  /**
   * Scores `items`, keeping their order; rejects when `signal` aborts. When an item fails
   * (bad options, over its `maxWork`), rejects with the scorer's error of the same class,
   * its message prefixed `ScorePool.score: items[i]: `, with `item` (the index) and `cause`
   * (the scorer's error).
   * @example
   * ```ts
   * await pool.score([{ output: '<think>t</think>x = 5', target: 'x = 5' }]); //=> [{ reward: 1, ok: true }]
   * ```
   */
  score(items: readonly ScoreItem[], signal?: AbortSignal): Promise<ScoreResult[]>;
  /** The number of worker threads (0: scoring runs in this thread). */
  readonly workers: number;
  /** Live counters. */
  readonly stats: ScorePoolStats;
  /**
   * Stops the workers; idempotent. Later `score` calls reject.
   * @example
   * ```ts
   * await pool.close();
   * ```
   */
  close(): Promise<void>;
}

/** A chunk sent to a worker. @internal */
export interface ChunkTask {
  readonly items: readonly ScoreItem[];
  /** 0 on the first try, 1 on the retry. */
  readonly attempt: number;
}

/** A worker's answer: results, or a deterministic error (not retried). @internal */
export type ChunkAnswer =
  | { readonly results: ScoreResult[] }
  | {
      readonly error: {
        readonly name: string;
        readonly message: string;
        /** The failed item's index in the chunk. */
        readonly index?: number;
        /** A `ScoringLimitError`'s fields. */
        readonly limit?: 'maxWork' | 'deadline';
        readonly work?: number;
        readonly max?: number;
      };
    };
