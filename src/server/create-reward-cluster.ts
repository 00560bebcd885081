import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { intOption } from '../_lib/options.js';
import { locateWorker, type WorkerLocation } from '../pool/locate-worker.js';
import { maxWorkers } from '../pool/worker-threads.js';
import type { RewardServerAddress, RewardServerOptions } from './create-reward-server.js';
import { resolveServerOptions } from './server-options.js';

/** Options of {@link createRewardCluster}: the server's, less what cannot cross a process boundary. */
export interface RewardClusterOptions extends Omit<RewardServerOptions, 'pool' | 'logger' | 'workers'> {
  /** Server processes sharing the port (default `os.availableParallelism()`). */
  readonly processes?: number;
  /**
   * Worker threads per process (default 0: each process parses, scores and answers on its
   * own thread, a chunk of 64 items at a time, which is the fastest layout when there
   * are as many processes as cores).
   */
  readonly workers?: number;
  /** Start a new process when one dies (default true). */
  readonly restart?: boolean;
  /** Log one JSON line per request on stderr in each process (default true). */
  readonly logRequests?: boolean;
  /** Receives the cluster's own events (default: a JSON line on stderr). */
  readonly onEvent?: (event: RewardClusterEvent) => void;
}

/** Something that happened to a process of a {@link RewardCluster}. */
export interface RewardClusterEvent {
  /** ISO time. */
  readonly time: string;
  /**
   * `exit`: a process died while serving (`pid` is the dead one); `restart`: a replacement
   * is listening (`pid` is the new one); `give-up`: 5 replacements in a row died before
   * listening, no more are started (`pid` is the process they replaced).
   */
  readonly event: 'exit' | 'restart' | 'give-up';
  /** The process id. */
  readonly pid: number;
  /** Exit code, when it exited. */
  readonly code?: number | null;
  /** Signal, when it was killed. */
  readonly signal?: string | null;
}

/** A reward server spread over processes; see {@link createRewardCluster}. */
export interface RewardCluster {
  /**
   * Starts the processes; resolves once every one listens (rejects, stopping them, if one cannot).
   * @example
   * ```ts
   * const { url } = await cluster.listen(); //=> { url: 'http://127.0.0.1:8000', ... }
   * ```
   */
  listen(): Promise<RewardServerAddress>;
  /**
   * Graceful: each process stops accepting, finishes its in-flight requests and exits.
   * @example
   * ```ts
   * await cluster.close();
   * ```
   */
  close(): Promise<void>;
  /** The number of processes. */
  readonly processes: number;
  /** Process ids now serving. */
  readonly pids: readonly number[];
  /** Processes started to replace dead ones. */
  readonly restarts: number;
}

const MAX_QUICK_DEATHS = 5;

function defaultOnEvent(event: RewardClusterEvent): void {
  process.stderr.write(`${JSON.stringify(event)}\n`);
}

/**
 * Runs the reward server ({@link createRewardServer}) in several processes that share one
 * port (`node:cluster`), one per core by default: each process does its own HTTP, parsing
 * and scoring, so throughput grows with the cores instead of stopping at one main
 * thread. A process that dies is replaced; the requests it was answering fail with a
 * closed connection (clients such as OpenRLHF's retry), the others are not affected.
 *
 * Must be called in the primary process. It sets `cluster.setupPrimary` (the worker
 * script is srl-kit's own, your program is not re-run); options travel over IPC, so
 * `logger` and `pool` are not available (each process logs JSON lines on stderr).
 *
 * @param options - The server's options plus `processes`, `workers` per process, `restart`.
 * @returns The cluster, not yet listening.
 * @throws RangeError when `processes` or `workers` is not a valid integer; Error in a cluster worker.
 * @example
 * ```ts
 * import { closeOnSignals, createRewardCluster } from 'srl-kit/server';
 * const rewards = createRewardCluster({ port: 8000, processes: 4 });
 * const { url } = await rewards.listen();
 * closeOnSignals(rewards);
 * ```
 */
export function createRewardCluster(options: RewardClusterOptions = {}): RewardCluster {
  if (!cluster.isPrimary) throw new Error('createRewardCluster: call it in the primary process, not in a cluster worker');
  const FN = 'createRewardCluster';
  assertOptions(options, FN);
  for (const key of ['pool', 'logger']) {
    if (key in options) throw new TypeError(`${FN}: option '${key}' cannot cross a process boundary (use createRewardServer, or logRequests and onEvent)`);
  }
  // The server's own checks, here in the primary, so that a bad option throws now and not in every process.
  try {
    resolveServerOptions(options, ['processes', 'restart', 'logRequests', 'onEvent']);
  } catch (err) {
    if (err instanceof Error) err.message = err.message.replace(/^createRewardServer:/, `${FN}:`);
    throw err;
  }
  const processes = intOption(options.processes, FN, 'processes', 1, maxWorkers()) ?? availableParallelism();
  const workers = intOption(options.workers, FN, 'workers', 0, maxWorkers()) ?? 0;
  for (const key of ['restart', 'logRequests'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') {
      throw new TypeError(`${FN}: option '${key}' must be a boolean, got ${describeType(options[key])}`);
    }
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw new TypeError(`${FN}: option 'onEvent' must be a function, got ${describeType(options.onEvent)}`);
  }
  const restart = options.restart ?? true;
  const onEvent = options.onEvent ?? defaultOnEvent;
  const { processes: _p, workers: _w, restart: _r, onEvent: _e, logRequests = true, ...server } = options;
  const serverOptions: RewardServerOptions & { readonly logRequests: boolean } = { ...server, workers, logRequests };

  const live = new Set<Worker>();
  let closing = false;
  let restarts = 0;
  let quickDeaths = 0;
  let where: WorkerLocation | undefined;
  let listening: Promise<RewardServerAddress> | undefined;

  const emit = (e: Omit<RewardClusterEvent, 'time'>): void => {
    try {
      onEvent({ time: new Date().toISOString(), ...e });
    } catch {
      // A failing event handler must not take the cluster down.
    }
  };

  /** Forks one process; resolves with its address and pid once it listens. */
  function spawnOne(): Promise<{ address: RewardServerAddress; pid: number }> {
    where ??= locateWorker(undefined, 'server', 'cluster-worker');
    // 'advanced' serialisation (structured clone): options such as `maxWork: Infinity` cross intact.
    cluster.setupPrimary({ exec: where.filename, args: [], execArgv: [...process.execArgv, ...where.execArgv], serialization: 'advanced' });
    const worker = cluster.fork();
    const pid = worker.process.pid ?? -1;
    live.add(worker);
    return new Promise((resolve, reject) => {
      let up = false;
      let startError: string | undefined;
      worker.on('message', (m: { type?: string; address?: RewardServerAddress; message?: string }) => {
        if (m.type === 'ready') {
          worker.send({ type: 'start', options: serverOptions });
        } else if (m.type === 'listening' && m.address !== undefined) {
          up = true;
          resolve({ address: m.address, pid });
        } else if (m.type === 'error') {
          startError = m.message ?? 'unknown error'; // it exits next: reject then, once it is gone
        }
      });
      worker.on('exit', (code, signal) => {
        live.delete(worker);
        if (!up) {
          reject(
            new Error(
              startError === undefined
                ? `srl-kit cluster: a server process exited before listening (code ${code}, signal ${signal})`
                : `srl-kit cluster: a server process failed to start: ${startError}`,
            ),
          );
          return;
        }
        if (closing) return;
        emit({ event: 'exit', pid, code, signal });
        replace(pid);
      });
    });
  }

  /**
   * Starts a replacement for the process `deadPid`, after 0.1 s, doubling the wait after
   * each replacement that dies before it listens; gives up after MAX_QUICK_DEATHS of those.
   */
  function replace(deadPid: number): void {
    if (closing || !restart) return;
    restarts++;
    setTimeout(() => {
      if (closing) return;
      spawnOne().then(
        ({ pid }) => {
          quickDeaths = 0;
          emit({ event: 'restart', pid });
        },
        () => {
          quickDeaths++;
          if (quickDeaths >= MAX_QUICK_DEATHS) emit({ event: 'give-up', pid: deadPid });
          else replace(deadPid);
        },
      );
    }, 100 * 2 ** quickDeaths);
  }

  function stopAll(): Promise<void> {
    const exits = [...live].map((w) => new Promise<void>((resolve) => {
      if (w.isDead()) return resolve();
      w.once('exit', () => resolve());
      if (w.isConnected()) w.send({ type: 'close' });
      else w.kill('SIGTERM');
    }));
    return Promise.all(exits).then(() => undefined);
  }

  let closePromise: Promise<void> | undefined;
  return {
    processes,
    get pids() {
      return [...live].map((w) => w.process.pid ?? -1);
    },
    get restarts() {
      return restarts;
    },
    listen() {
      listening ??= (async () => {
        try {
          // The first process binds; the others share its handle (also port 0's random port).
          const first = await spawnOne();
          await Promise.all(Array.from({ length: processes - 1 }, () => spawnOne()));
          return first.address;
        } catch (err) {
          closing = true;
          await stopAll();
          throw err;
        }
      })();
      return listening;
    },
    close() {
      closePromise ??= (async () => {
        closing = true;
        await stopAll();
      })();
      return closePromise;
    },
  };
}
