/** Durations on the command line: `500ms`, `10s`, `5m`, `1h`; a bare number is seconds. */
import { UsageError } from '@netlab/cli';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(
  flag: string,
  text: string,
  { min = 1, max = 86_400_000 } = {},
): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2] ?? 's']! : Number.NaN;
  if (!(ms >= min && ms <= max)) {
    throw new UsageError(
      `${flag} takes a duration like 500ms, 10s or 5m (from ${min} ms to ${max} ms), not '${text}'`,
    );
  }
  return Math.round(ms);
}

/** Sizes on the command line: `8MiB`, `512KiB`, `1432` bytes. */
export function parseSize(flag: string, text: string, { min = 1, max = 2 ** 31 } = {}): number {
  const match = /^(\d+)(KiB|MiB|k|M)?$/.exec(text.trim());
  const factor = { KiB: 1024, k: 1024, MiB: 1024 * 1024, M: 1024 * 1024 }[match?.[2] ?? ''] ?? 1;
  const bytes = match ? Number(match[1]) * factor : Number.NaN;
  if (!(bytes >= min && bytes <= max)) {
    throw new UsageError(
      `${flag} takes a size like 1432, 512KiB or 8MiB (from ${min} to ${max} bytes), not '${text}'`,
    );
  }
  return bytes;
}
