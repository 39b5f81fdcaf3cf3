/** StatsD text on the wire: samples as lines joined by '\n', packed within the MTU budget. */
import type { Packing } from './batch.ts';
import type { MetricTuple } from './protocol.ts';
import { formatStatsd } from './statsd.ts';

/** The agent's `--format statsd`: any StatsD reads it, but it has no source id nor sequence number. */
export function statsdPacking(): Packing {
  return {
    empty: -1, // n lines need n-1 newlines
    sizeOf: (tuple: MetricTuple) => Buffer.byteLength(formatStatsd(tuple)) + 1,
    encode: (samples) => Buffer.from(samples.map(formatStatsd).join('\n')),
    sequenced: false,
  };
}

/**
 * Joins lines with '\n' into as few payloads of at most `mtu` bytes as the order allows.
 * A line that alone exceeds `mtu` cannot be sent unfragmented: it goes to `onOversize`.
 */
export function packLines(
  lines: string[],
  mtu: number,
  onOversize?: (line: string) => void,
): Buffer[] {
  const out: Buffer[] = [];
  let current: string[] = [];
  let size = 0;
  for (const line of lines) {
    const length = Buffer.byteLength(line);
    if (length > mtu) {
      onOversize?.(line);
      continue;
    }
    const added = current.length === 0 ? length : length + 1;
    if (size + added > mtu) {
      out.push(Buffer.from(current.join('\n')));
      current = [];
      size = 0;
    }
    size += current.length === 0 ? length : length + 1;
    current.push(line);
  }
  if (current.length > 0) out.push(Buffer.from(current.join('\n')));
  return out;
}
