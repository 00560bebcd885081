/**
 * The entry of one process of a reward-server cluster (see `createRewardCluster`): says
 * `{ type: 'ready' }`, waits for `{ type: 'start', options }` from the primary (over IPC, so that a token never
 * sits in the environment), serves on the port shared by the cluster, reports
 * `{ type: 'listening', address }` (or `{ type: 'error', message }`), and closes
 * gracefully on `{ type: 'close' }`, SIGTERM or when the primary goes away.
 *
 * @module
 * @internal
 */
import { createRewardServer, type RewardServer, type RewardServerOptions } from './create-reward-server.js';

let server: RewardServer | undefined;
let closing = false;

function send(message: unknown): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

function close(): void {
  if (closing) return;
  closing = true;
  if (server === undefined) process.exit(0);
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}

async function start(options: RewardServerOptions & { readonly logRequests?: boolean }): Promise<void> {
  try {
    // Test hook (like the pool's crash hook): a process started with this fails before listening.
    if (process.env['SRL_CLUSTER_TEST_FAIL_START'] === '1') throw new Error('test hook: start-up failure');
    const { logRequests, ...serverOptions } = options;
    server = createRewardServer(logRequests === false ? { ...serverOptions, logger: () => undefined } : serverOptions);
    send({ type: 'listening', address: await server.listen() });
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}

process.on('message', (m: unknown) => {
  const msg = (typeof m === 'object' && m !== null ? m : {}) as { type?: unknown; options?: RewardServerOptions };
  if (msg.type === 'start' && server === undefined && typeof msg.options === 'object') void start(msg.options);
  else if (msg.type === 'close') close();
});
process.on('SIGTERM', close);
// Ctrl-C reaches the whole process group: the primary decides what to do.
process.on('SIGINT', () => undefined);
process.on('disconnect', close);
// Messages sent before this module ran are lost: ask for the options now.
send({ type: 'ready' });
