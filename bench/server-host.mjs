// Hosts one srl-kit server layout for bench/server.ts in a plain `node` process (no tsx
// loader inherited by its workers or cluster processes), from the built package.
// Prints the URL on stdout; closes gracefully on SIGTERM.
// Usage: node bench/server-host.mjs threads|processes <N>
import { createRewardCluster, createRewardServer } from '../dist/server/index.js';

const [layout, n] = process.argv.slice(2);
const quiet = () => undefined;
const server =
  layout === 'threads'
    ? createRewardServer({ port: 0, workers: Number(n), logger: quiet })
    : createRewardCluster({ port: 0, processes: Number(n), logRequests: false, onEvent: quiet });
const { url } = await server.listen();
process.stdout.write(`${url}\n`);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
