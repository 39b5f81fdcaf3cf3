/** Turns one datagram (our MessagePack or StatsD text) into samples, loss accounting and counts. */
import type { RemoteInfo } from 'node:dgram';
import { type Aggregator, tagKeyOf } from './aggregator.ts';
import { decodeDatagram, isPacked } from './codec.ts';
import type { LossAccounting } from './loss.ts';
import { formatStatsd, parseStatsd, type SampleSink } from './statsd.ts';

export interface IngestOptions {
  /** Prints each datagram decoded (`--trace`). */
  trace?: (line: string) => void;
  /** Told about each bad datagram or line; the caller rate-limits it. */
  onBad?: (line: string) => void;
}

export class Ingest {
  badDatagrams = 0;
  badLines = 0;
  private readonly sink: SampleSink;

  constructor(
    private readonly aggregator: Aggregator,
    private readonly loss: LossAccounting,
    private readonly options: IngestOptions = {},
  ) {
    this.sink = (name, tagKey, type, value, rate) => {
      const taken = aggregator.record(name, tagKey, type, value, rate);
      if (taken !== true) this.refusedLines++;
      return taken;
    };
  }

  /** Lines of the current datagram refused by a limit: counted by reason, not as bad lines. */
  private refusedLines = 0;

  /**
   * One datagram: whole, from one sender, but no more trusted than its bytes. `rinfo` is the
   * source address the IP header claims, which anyone can forge; nothing here is authenticated.
   */
  handle(msg: Buffer, rinfo: RemoteInfo) {
    // A zero-length datagram is legal UDP (a payload of 0 bytes) and carries no metric.
    if (msg.length === 0) {
      this.badDatagrams++;
      this.options.onBad?.(`empty datagram from ${from(rinfo)}`);
      return;
    }
    if (isPacked(msg)) this.packed(msg, rinfo);
    else this.text(msg, rinfo);
  }

  private text(msg: Buffer, rinfo: RemoteInfo) {
    const text = msg.toString('utf8');
    this.rinfo = rinfo; // for onBadLine, which is bound once rather than a closure per datagram
    this.refusedLines = 0;
    const [, bad] = parseStatsd(text, this.sink, this.onBadLine);
    this.badLines += bad - this.refusedLines;
    this.options.trace?.(`<- ${from(rinfo)} statsd ${JSON.stringify(text)}`);
  }

  private rinfo: RemoteInfo | undefined;
  private readonly onBadLine = (line: string, reason: string) =>
    this.options.onBad?.(
      `bad line from ${this.rinfo ? from(this.rinfo) : '?'}: ${reason}: ${JSON.stringify(line.slice(0, 200))}`,
    );

  private packed(msg: Buffer, rinfo: RemoteInfo) {
    let datagram: ReturnType<typeof decodeDatagram>;
    try {
      datagram = decodeDatagram(msg);
    } catch (error) {
      this.badDatagrams++;
      const code = (error as { code?: string }).code ?? 'ERR_BAD_DATAGRAM';
      this.options.onBad?.(
        `bad datagram from ${from(rinfo)} (${msg.length} bytes): ${code} ${(error as Error).message}`,
      );
      this.options.trace?.(`<- ${from(rinfo)} bad datagram ${msg.length} bytes: ${code}`);
      return;
    }
    // The network may deliver a datagram twice (a retransmitting relay, a routing loop):
    // the sequence number says whether these samples were already counted.
    const fresh = this.loss.add(datagram.src, datagram.seq);
    this.options.trace?.(
      `<- ${from(rinfo)} src=${datagram.src} seq=${datagram.seq} ${msg.length} bytes${fresh ? '' : ' (duplicate, skipped)'} ` +
        `${datagram.m.length} samples: ${datagram.m.map(formatStatsd).join(' ')}`,
    );
    if (!fresh) return;
    // A refused sample is counted by the aggregator, by reason.
    for (const [name, type, value, rate, tags] of datagram.m)
      this.aggregator.record(name, tagKeyOf(tags), type, value, rate);
  }
}

const from = (rinfo: RemoteInfo) =>
  rinfo.family === 'IPv6' ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`;
