/** Forwarding: each flush's aggregates sent on as StatsD text to another StatsD (`--forward`). */
import dgram from 'node:dgram';
import type { Snapshot } from './aggregator.ts';

import type { MetricTuple } from './protocol.ts';
import { formatStatsd } from './statsd.ts';
import { packLines } from './statsd-packing.ts';

/** The snapshot as StatsD lines: counters stay counters; everything else becomes gauges. */
export function snapshotLines(snap: Snapshot): string[] {
  const lines: string[] = [];
  const line = (t: MetricTuple) => lines.push(formatStatsd(t));
  for (const c of snap.counters) if (c.value !== 0) line([c.name, 'c', c.value, 1, c.tags]);
  for (const g of snap.gauges) line([g.name, 'g', g.value, 1, g.tags]);
  // A set or timer that saw nothing this interval has nothing true to say (as on /metrics).
  for (const s of snap.sets) if (s.count > 0) line([s.name, 'g', s.count, 1, s.tags]);
  for (const t of snap.timers) {
    if (t.count === 0) continue;
    line([`${t.name}.count`, 'c', t.count, 1, t.tags]);
    for (const stat of ['min', 'max', 'mean', 'p50', 'p90', 'p99'] as const) {
      line([`${t.name}.${stat}`, 'g', t[stat], 1, t.tags]);
    }
  }
  return lines;
}

export class Forwarder {
  private readonly socket: dgram.Socket;
  sent = 0;
  errors = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly mtu: number,
  ) {
    this.socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    // A forward target that is down answers with ICMP port unreachable: count it, go on.
    this.socket.on('error', () => this.errors++);
  }

  send(snap: Snapshot) {
    for (const payload of packLines(snapshotLines(snap), this.mtu)) {
      this.socket.send(payload, this.port, this.host, (error) => {
        if (error) this.errors++;
        else this.sent++;
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
