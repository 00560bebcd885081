// The load generator of bench/server.ts, in its own process so that it shares no event
// loop with the server: C keep-alive connections, each sending POST /reward requests
// one after another (the bodies cycled), until N requests are answered. Requests are
// encoded once up front and responses are only framed (status line + Content-Length),
// so the generator costs a few tens of µs per request. autocannon was tried first and
// cost ~470 µs of CPU per 32 KB request, enough to saturate one of the two cores itself.
// Prints one JSON line. Usage: node bench/server-load.mjs <url> <bodies.json> <connections> <requests>
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

const [url, bodiesFile, connections, amount] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const total = Number(amount);
const wire = JSON.parse(readFileSync(bodiesFile, 'utf8')).map((body) => {
  const b = Buffer.from(body, 'utf8');
  const head = `POST /reward HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
});

const latencies = [];
let sent = 0;
let done = 0;
let non2xx = 0;
let errors = 0;

function client(index) {
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    let buf = Buffer.alloc(0);
    let started = 0;
    let k = index;
    const next = () => {
      if (sent >= total) {
        socket.end();
        resolve();
        return;
      }
      sent++;
      started = performance.now();
      socket.write(wire[k % wire.length]);
      k += Number(connections);
    };
    socket.on('connect', next);
    socket.on('data', (chunk) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const m = /\r\ncontent-length: *(\d+)/i.exec(head);
        const length = m === null ? 0 : Number(m[1]);
        if (buf.length < end + 4 + length) return;
        const status = Number(head.slice(9, 12));
        if (status < 200 || status > 299) non2xx++;
        buf = buf.subarray(end + 4 + length);
        latencies.push(performance.now() - started);
        done++;
        next();
      }
    });
    socket.on('error', () => {
      errors++;
      resolve();
    });
  });
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(connections) }, (_, i) => client(i)));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const pct = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN;
process.stdout.write(
  `${JSON.stringify({
    requests: done,
    seconds,
    rps: done / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    non2xx,
    errors,
    loadCpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, done),
  })}\n`,
);
