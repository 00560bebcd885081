// Hosts one srl-kit server layout for bench/lockout.ts in a plain `node` process, from the
// built package, with the default limits.
// Prints the URL on stdout; closes gracefully on SIGTERM (as `srl serve` does) and exits.
// Usage: node bench/lockout-host.mjs threads|inthread|processes <N>
import { closeOnSignals, createRewardCluster, createRewardServer } from '../dist/server/index.js';

const [layout, n] = process.argv.slice(2);
const quiet = () => undefined;
const server =
  layout === 'processes'
    ? createRewardCluster({ port: 0, processes: Number(n), logRequests: false, onEvent: quiet })
    : createRewardServer({ port: 0, workers: layout === 'inthread' ? 0 : Number(n), logger: quiet });
const { url } = await server.listen();
process.stdout.write(`${url}\n`);
closeOnSignals(server);
