/** The collector: UDP receive path, aggregation per interval, loss accounting, HTTP and forwarding. */
import type { RemoteInfo } from 'node:dgram';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatEndpoint } from '@netlab/addressing/endpoint';
import type { IPNetwork } from '@netlab/addressing/network';
import { Aggregator, type Snapshot } from './aggregator.ts';
import { AllowList } from './allow-list.ts';
import { TelemetryError } from './errors.ts';
import { type CollectorCounters, prometheusChunks } from './exposition.ts';
import { Forwarder } from './forward.ts';
import { createHttpServer, listenHttp } from './http.ts';
import { Ingest } from './ingest.ts';
import { jsonChunks } from './json-stream.ts';
import type { Limits } from './limits.ts';
import { LossAccounting, type SourceStats } from './loss.ts';
import { MemoryReturn } from './memory-return.ts';
import {
  DEFAULT_HOST,
  DEFAULT_HTTP_PORT,
  DEFAULT_MTU,
  DEFAULT_PORT,
  DEFAULT_RCVBUF,
} from './protocol.ts';
import { RateLimitedLog } from './ratelog.ts';
import { Receiver } from './receiver.ts';

export interface CollectorOptions {
  host?: string;
  port?: number;
  /** Where to serve HTTP, or false for none (default 127.0.0.1:9102). */
  http?: { host: string; port: number } | false;
  /** Flush interval, ms (default 10 000). 0 means flush only when `flush()` is called. */
  intervalMs?: number;
  /** Intervals without samples after which a series is forgotten (default 6). */
  expireAfter?: number;
  /** Bounds on names, tags, series and the bytes they hold (limits.ts has the defaults). */
  limits?: Partial<Limits>;
  /** Most sources tracked for loss accounting (default 10,000). */
  maxSources?: number;
  receiveBuffer?: number;
  queueSize?: number;
  forward?: { host: string; port: number };
  /**
   * Take datagrams only from these networks (--allow-from); others are dropped before the
   * queue, counted and logged. Undefined or empty: from anyone who can reach the socket.
   */
  allowFrom?: readonly IPNetwork[];
  mtu?: number;
  onFlush?: (snapshot: Snapshot) => void;
  /** Each datagram decoded (`--trace`). */
  onTrace?: (line: string) => void;
  /** Warnings and bad input (at most 5 lines per 10 s for bad input). */
  onLog?: (line: string) => void;
}

export interface CollectorStatus extends CollectorCounters {
  /** Datagrams the kernel dropped because the socket buffer was full (Linux /proc/net/udp). */
  kernelDrops: number | undefined;
}

export interface Collector {
  listen(): Promise<{ udp: AddressInfo; http: AddressInfo | undefined }>;
  /** Parses everything queued, closes the interval and returns its snapshot. */
  flush(): Snapshot;
  status(): CollectorStatus;
  sources(): SourceStats[];
  readonly last: Snapshot | undefined;
  close(): Promise<void>;
}

export function createServer(options: CollectorOptions = {}): Collector {
  const log = options.onLog ?? (() => {});
  const badLog = new RateLimitedLog(log);
  const evictLog = new RateLimitedLog(log);
  const aggregator = new Aggregator({
    expireAfter: options.expireAfter ?? 6,
    limits: options.limits,
  });
  const maxSources = options.maxSources ?? 10_000;
  const loss = new LossAccounting(maxSources, (s, tracked) =>
    evictLog.log(
      `source evicted: ${JSON.stringify(s.source.slice(0, 200))} (${s.received} datagrams, last seen ` +
        `${((Date.now() - s.lastSeen) / 1000).toFixed(1)} s ago) to make room: ${tracked} of ` +
        `${maxSources} sources tracked${s.received > 1 ? '; if it returns it is counted as resumed' : ''}`,
    ),
  );
  let scrapesRefused = 0;
  const refusedDatagrams = { source_not_allowed: 0 };
  const allowLog = new RateLimitedLog(log);
  const allowList = options.allowFrom?.length ? new AllowList(options.allowFrom) : undefined;
  const notAllowed = (rinfo: RemoteInfo) => {
    refusedDatagrams.source_not_allowed++;
    allowLog.log(
      `datagram from ${formatEndpoint({ host: rinfo.address, port: rinfo.port, family: rinfo.family === 'IPv6' ? 'ipv6' : 'ipv4' })} ` +
        `refused: source not in --allow-from (${rinfo.size} bytes)`,
    );
    return false;
  };
  const memory = new MemoryReturn();
  const ingest = new Ingest(aggregator, loss, {
    trace: options.onTrace,
    onBad: (line) => badLog.log(line),
  });
  const receiver = new Receiver({
    host: options.host ?? DEFAULT_HOST,
    port: options.port ?? DEFAULT_PORT,
    receiveBuffer: options.receiveBuffer ?? DEFAULT_RCVBUF,
    queueSize: options.queueSize ?? 65_536,
    onDatagram: (msg, rinfo) => ingest.handle(msg, rinfo),
    admit: allowList && ((rinfo) => allowList.allows(rinfo.address) || notAllowed(rinfo)),
    onWarning: (message) => log(`warning: ${message}`),
  });
  const forwarder =
    options.forward &&
    new Forwarder(options.forward.host, options.forward.port, options.mtu ?? DEFAULT_MTU);
  const intervalMs = options.intervalMs ?? 10_000;
  let last: Snapshot | undefined;
  let timer: NodeJS.Timeout | undefined;
  let httpServer: http.Server | undefined;

  const status = (): CollectorStatus => ({
    datagrams: receiver.datagrams,
    bytes: receiver.bytes,
    samples: aggregator.samples,
    badDatagrams: ingest.badDatagrams,
    badLines: ingest.badLines,
    queueDropped: receiver.queueDropped,
    refused: { ...aggregator.refused },
    refusedDatagrams: { ...refusedDatagrams },
    series: aggregator.seriesCount,
    heldBytes: aggregator.held,
    byteBudget: aggregator.budget.limits.byteBudget,
    sourcesEvicted: loss.evictions,
    scrapesRefused,
    queueDepth: receiver.queueDepth,
    receiveBuffer: receiver.receiveBuffer,
    kernelDrops: receiver.kernelDrops(),
  });

  const flush = () => {
    receiver.drainAll();
    const held = aggregator.held;
    last = aggregator.flush();
    memory.afterFlush(aggregator.held, held);
    // Sources silent for as long as series live are forgotten too.
    loss.expire(Date.now() - Math.max(intervalMs, 1000) * (options.expireAfter ?? 6));
    forwarder?.send(last);
    options.onFlush?.(last);
    return last;
  };

  return {
    async listen() {
      const udp = await receiver.listen();
      let httpAddress: AddressInfo | undefined;
      if (options.http !== false) {
        const where = options.http ?? { host: DEFAULT_HOST, port: DEFAULT_HTTP_PORT };
        httpServer = createHttpServer({
          prometheus: () => prometheusChunks(last, status(), loss.list()),
          json: () =>
            jsonChunks({ status: status(), sources: loss.list(), snapshot: last ?? null }),
          problem: () => receiver.problem(),
          onRefused: () => scrapesRefused++,
        });
        try {
          httpAddress = await listenHttp(httpServer, where.host, where.port);
        } catch (error) {
          await receiver.close();
          throw httpListenError(error, where);
        }
      }
      if (intervalMs > 0) timer = setInterval(flush, intervalMs);
      return { udp, http: httpAddress };
    },
    flush,
    status,
    sources: () => loss.list(),
    get last() {
      return last;
    },
    async close() {
      if (timer) clearInterval(timer);
      httpServer?.closeAllConnections();
      await Promise.all([
        receiver.close(),
        httpServer && new Promise((resolve) => httpServer!.close(resolve)),
        forwarder?.close(),
      ]);
    },
  };
}

/**
 * The HTTP port is chosen with --http, not --port: a busy one says so (the generic hint for
 * EADDRINUSE names --port, which here is the UDP port).
 */
function httpListenError(error: unknown, where: { host: string; port: number }) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE') return error;
  return new TelemetryError(
    'ERR_ADDRESS_IN_USE',
    `HTTP address ${formatEndpoint({ host: where.host, port: where.port, family: where.host.includes(':') ? 'ipv6' : 'ipv4' })} is in use ` +
      '(another process holds that port: choose another with --http HOST:PORT, or --http off)',
    { cause: error },
  );
}
