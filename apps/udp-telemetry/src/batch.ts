/** The MTU budget: what a sample costs in our MessagePack datagram, so the agent never sends one that fragments. */
import { encodeDatagram } from './codec.ts';
import type { MetricTuple } from './protocol.ts';

/** How the sender sizes and encodes one wire format: ours here, StatsD text in statsd-packing.ts. */
export interface Packing {
  /** Bytes of a datagram before its first sample. */
  readonly empty: number;
  /** Bytes one more sample adds. */
  sizeOf(tuple: MetricTuple): number;
  encode(samples: MetricTuple[], seq: number): Buffer;
  /** Whether the datagram carries `seq` (StatsD text has nowhere to put it). */
  readonly sequenced: boolean;
}

/** Our datagram: one MessagePack map with the source id, the sequence number and the samples. */
export function msgpackPacking(source: string): Packing {
  return {
    empty: headerSize(source),
    sizeOf: tupleSize,
    encode: (m, seq) => encodeDatagram({ src: source, seq, ts: Date.now(), m }),
    sequenced: true,
  };
}

/** MessagePack header bytes of a str of `length` bytes (fixstr, str8, str16, str32). */
const strHeader = (length: number) => (length < 32 ? 1 : length < 256 ? 2 : length < 65536 ? 3 : 5);
const strSize = (s: string) => {
  const length = Buffer.byteLength(s);
  return strHeader(length) + length;
};
const arrayHeader = (length: number) => (length < 16 ? 1 : length < 65536 ? 3 : 5);

/** Bytes of a number in the smallest MessagePack form; non-integers are float64, as msgpackr writes them. */
export function numberSize(v: number): number {
  if (!Number.isInteger(v)) return 9;
  if (v >= 0) return v < 128 ? 1 : v < 256 ? 2 : v < 65536 ? 3 : v < 2 ** 32 ? 5 : 9;
  return v >= -32 ? 1 : v >= -128 ? 2 : v >= -32768 ? 3 : v >= -(2 ** 31) ? 5 : 9;
}

/**
 * A tuple's MessagePack size. The encoder's choices are an implementation detail, so the
 * agent still checks each encoded datagram against the budget and splits any that overflow.
 */
export function tupleSize([name, type, value, rate, tags]: MetricTuple): number {
  let size = 1 + strSize(name) + strSize(type) + numberSize(rate) + arrayHeader(tags.length);
  size += typeof value === 'string' ? strSize(value) : numberSize(value);
  for (const tag of tags) size += strSize(tag);
  return size;
}

/** A datagram's size without its samples: the map, its keys, type, src, seq, ts, array header. */
export function headerSize(source: string, seq = 2 ** 32, samples = 16): number {
  return (
    1 +
    strSize('type') +
    strSize('metrics') +
    strSize('src') +
    strSize(source) +
    strSize('seq') +
    numberSize(seq) +
    strSize('ts') +
    9 +
    strSize('m') +
    arrayHeader(samples)
  );
}
