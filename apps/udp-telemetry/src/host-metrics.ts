/** Host metrics the agent samples: CPU %, load, memory, network bytes (/proc/net/dev), event-loop lag. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricTuple } from './protocol.ts';

interface CpuTimes {
  busy: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/**
 * /proc/net/dev: two header lines, then `iface: rx_bytes rx_packets ... (8 rx fields) tx_bytes ...`.
 * Returns undefined where the file does not exist (not Linux).
 */
export function readNetDev(text?: string): Map<string, { rx: number; tx: number }> | undefined {
  let content = text;
  if (content === undefined) {
    try {
      content = readFileSync('/proc/net/dev', 'utf8');
    } catch {
      return undefined;
    }
  }
  const out = new Map<string, { rx: number; tx: number }>();
  for (const line of content.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    out.set(line.slice(0, colon).trim(), { rx: fields[0] ?? 0, tx: fields[8] ?? 0 });
  }
  return out;
}

const LAG_RESOLUTION_MS = 10;

/** Samples the host every call; rates and CPU % are over the time since the previous call. */
export class HostSampler {
  private cpu = cpuTimes();
  private net = readNetDev();
  private readonly lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });

  constructor(private readonly prefix = 'host.') {
    this.lag.enable();
  }

  sample(): MetricTuple[] {
    const p = this.prefix;
    const out: MetricTuple[] = [];
    const gauge = (name: string, value: number, tags: string[] = []) =>
      out.push([p + name, 'g', round(value), 1, tags]);
    const counter = (name: string, value: number, tags: string[] = []) =>
      out.push([p + name, 'c', value, 1, tags]);
    const cpu = cpuTimes();
    const total = cpu.total - this.cpu.total;
    gauge('cpu.percent', total > 0 ? (100 * (cpu.busy - this.cpu.busy)) / total : 0);
    this.cpu = cpu;
    const [l1, l5, l15] = os.loadavg();
    gauge('load.1m', l1 ?? 0);
    gauge('load.5m', l5 ?? 0);
    gauge('load.15m', l15 ?? 0);
    gauge('memory.used_bytes', os.totalmem() - os.freemem());
    gauge('memory.total_bytes', os.totalmem());
    gauge('process.rss_bytes', process.memoryUsage.rss());
    const net = readNetDev();
    if (net && this.net) {
      for (const [iface, now] of net) {
        const before = this.net.get(iface);
        if (!before) continue;
        // Byte counters only grow; a smaller value means the interface was reset: skip it.
        if (now.rx >= before.rx) counter('net.rx_bytes', now.rx - before.rx, [`iface:${iface}`]);
        if (now.tx >= before.tx) counter('net.tx_bytes', now.tx - before.tx, [`iface:${iface}`]);
      }
    }
    this.net = net;
    // Event-loop lag: how late the monitor's 10 ms timer ran. The histogram (ns) holds the whole
    // timer period, so the lag is what exceeds the resolution.
    if (this.lag.count > 0) {
      const lagMs = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
      out.push([`${p}event_loop.lag`, 'ms', round(lagMs(this.lag.mean)), 1, []]);
      gauge('event_loop.lag_max_seconds', lagMs(this.lag.max) / 1000);
    }
    this.lag.reset();
    return out;
  }

  stop() {
    this.lag.disable();
  }
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
