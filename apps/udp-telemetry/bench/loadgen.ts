/** Load generator (its own process): StatsD datagrams at a fixed rate, or as fast as it can (rate 0). */
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    rate: { type: 'string', default: '0' },
    duration: { type: 'string', default: '2' },
    per: { type: 'string', default: '1' },
  },
});
const rate = Number(values.rate);
const durationMs = Number(values.duration) * 1000;
const per = Number(values.per);

/**
 * A realistic mix over 200 series: counters with and without tags and sample rates, timers,
 * gauges, histograms and sets. Pre-built, so the generator spends its time sending.
 */
function line(i: number): string {
  const n = i % 200;
  switch (i % 6) {
    case 0:
      return `app.requests.${n}:1|c`;
    case 1:
      return `app.latency.${n % 50}:${(i * 7) % 1000}|ms`;
    case 2:
      return `app.queue.${n % 20}:${i % 100}|g`;
    case 3:
      return `app.requests.${n}:1|c|@0.5|#env:prod,route:r${n % 10}`;
    case 4:
      return `app.payload.${n % 20}:${(i * 13) % 5000}|h|#env:prod`;
    default:
      return `app.users.${n % 10}:u${i % 5000}|s`;
  }
}
const pool: Buffer[] = [];
for (let d = 0; d < 4096; d++) {
  pool.push(Buffer.from(Array.from({ length: per }, (_, k) => line(d * per + k)).join('\n')));
}

const socket = dgram.createSocket(values.host!.includes(':') ? 'udp6' : 'udp4');
socket.connect(Number(values.port), values.host);
await new Promise((resolve) => socket.once('connect', resolve));
socket.setSendBufferSize(8 * 1024 * 1024);

let sent = 0;
let errors = 0;
const cpu0 = process.cpuUsage();
const start = performance.now();
const onSent = (error: Error | null) => {
  if (error) errors++;
};
// Paced in small bursts: each turn sends what is due by now, so the average rate is exact
// and bursts stay well below what the receive buffer holds.
await new Promise<void>((resolve) => {
  const tick = () => {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs) return resolve();
    const due = rate > 0 ? Math.min(Math.floor((elapsed / 1000) * rate) - sent, 4096) : 256;
    for (let i = 0; i < due; i++) socket.send(pool[(sent + i) & 4095]!, onSent);
    sent += Math.max(due, 0);
    setImmediate(tick);
  };
  tick();
});
const elapsed = (performance.now() - start) / 1000;
// Sends are queued in libuv until written: wait for the socket to empty before reporting.
await new Promise<void>((resolve) => {
  const check = () => (socket.getSendQueueCount() === 0 ? resolve() : setTimeout(check, 5));
  check();
});
const cpu = process.cpuUsage(cpu0);
socket.close();
process.stdout.write(
  `${JSON.stringify({ sent, errors, elapsed, rate: sent / elapsed, metrics: sent * per, cpu: (cpu.user + cpu.system) / 1e6 / elapsed })}\n`,
);
