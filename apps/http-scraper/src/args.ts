/** The `crawl` command line and config file, turned into CrawlOptions. */
import fs from 'node:fs';
import { parseEndpoint } from '@netlab/addressing/endpoint';
import { AddressError, parseNetworkList } from '@netlab/addressing/network';
import { parseCommandLine, parseInteger, UsageError, userPath } from '@netlab/cli';
import { type FieldSpec, parseFieldSpec } from './field.ts';
import { type CrawlOptions, DEFAULTS, ROBOTS_MIN_BYTES } from './options.ts';

export const CRAWL_FLAGS = {
  out: { type: 'string', short: 'o' },
  format: { type: 'string' },
  select: { type: 'string', short: 's', multiple: true },
  config: { type: 'string', short: 'c' },
  depth: { type: 'string' },
  'max-pages': { type: 'string' },
  'allow-domain': { type: 'string', multiple: true },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  'per-host': { type: 'string' },
  delay: { type: 'string' },
  'no-robots': { type: 'boolean' },
  'no-sitemaps': { type: 'boolean' },
  'user-agent': { type: 'string' },
  retries: { type: 'string' },
  'max-retry-after': { type: 'string' },
  'max-redirects': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'header-timeout': { type: 'string' },
  'body-timeout': { type: 'string' },
  deadline: { type: 'string' },
  'max-body': { type: 'string' },
  'max-robots': { type: 'string' },
  accept: { type: 'string' },
  cache: { type: 'string' },
  offline: { type: 'boolean' },
  'allow-net': { type: 'string', multiple: true },
  dns: { type: 'string', multiple: true },
  fresh: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `5mb`, `512k`, `1048576` as bytes. */
export function parseSize(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`${name} takes a size such as 512k or 5mb, not '${text}'`);
  const unit = (match[2] ?? 'b')[0]!.toLowerCase();
  const scale = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit] ?? 1;
  return Math.round(Number(match[1]) * scale);
}

type Config = Record<string, unknown>;

function readConfig(file: string): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${(error as Error).message}`);
  }
  try {
    const config = JSON.parse(text) as unknown;
    if (config === null || typeof config !== 'object' || Array.isArray(config))
      throw new Error('not an object');
    return config as Config;
  } catch (error) {
    throw new UsageError(`--config ${file} is not a JSON object: ${(error as Error).message}`);
  }
}

// Config values become the same strings the command line would carry; the flags win.
function merge(values: Record<string, unknown>, config: Config): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'select' && value && typeof value === 'object' && !Array.isArray(value)) {
      merged.select = Object.entries(value).map(([name, css]) => `${name}=${String(css)}`);
    } else if (key === 'seeds' && Array.isArray(value)) {
      merged.seeds = value.map(String);
    } else if (!(key in CRAWL_FLAGS)) {
      throw new UsageError(`unknown key '${key}' in --config (keys are the long option names)`);
    } else
      merged[key] = Array.isArray(value)
        ? value.map(String)
        : typeof value === 'boolean'
          ? value
          : String(value);
  }
  for (const [key, value] of Object.entries(values)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** Parses `crawl` arguments into options plus the CLI-only switches. */
export function parseCrawlArgs(argv: string[]) {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: CRAWL_FLAGS,
    allowPositionals: true,
  });
  if (values.help) return { help: true as const };
  const v = merge(values, values.config ? readConfig(userPath(values.config)) : {});
  const str = (key: string): string | undefined =>
    v[key] === undefined ? undefined : String(v[key]);
  const int = (key: string, min = 0): number | undefined =>
    str(key) === undefined ? undefined : parseInteger(`--${key}`, str(key)!, { min });
  const list = (key: string): string[] => (v[key] as string[] | undefined) ?? [];
  const seeds = [...positionals, ...list('seeds')];
  if (seeds.length === 0) throw new UsageError('give at least one URL to start from (try --help)');
  const format = str('format') ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv')
    throw new UsageError(`--format is jsonl or csv, not '${format}'`);
  const select = list('select').map(toField);
  const names = new Set<string>();
  for (const field of select) {
    if (['url', 'status', 'depth'].includes(field.name) || names.has(field.name)) {
      throw new UsageError(`--select name '${field.name}' is reserved or repeated`);
    }
    names.add(field.name);
  }
  for (const domain of list('allow-domain')) parseEndpoint(domain, { defaultPort: 80 });
  const options: Partial<CrawlOptions> & { seeds: string[] } = {
    seeds,
    format,
    // Paths are the user's: relative to where they ran the command (INIT_CWD under pnpm).
    out: userPath(str('out') ?? DEFAULTS.out),
    ...(select.length > 0 ? { select } : {}),
    depth: int('depth'),
    maxPages: int('max-pages', 1),
    allowDomains: list('allow-domain'),
    include: list('include'),
    exclude: list('exclude'),
    concurrency: int('concurrency', 1),
    perHost: int('per-host', 1),
    delayMs: int('delay'),
    robots: v['no-robots'] !== true,
    sitemaps: v['no-sitemaps'] !== true,
    userAgent: str('user-agent'),
    retries: int('retries'),
    maxRetryAfterMs: int('max-retry-after'),
    maxRedirects: int('max-redirects'),
    connectTimeoutMs: int('connect-timeout', 1),
    headersTimeoutMs: int('header-timeout', 1),
    bodyTimeoutMs: int('body-timeout', 1),
    deadlineMs: int('deadline', 1),
    maxBodyBytes:
      str('max-body') === undefined ? undefined : parseSize('--max-body', str('max-body')!),
    maxRobotsBytes: robotsLimit(str('max-robots')),
    accept: str('accept')?.split(','),
    cacheDir: str('cache') === undefined ? undefined : userPath(str('cache')!),
    offline: v.offline === true,
    allowNets: allowNets(list('allow-net')),
    dnsServers: list('dns').map(dnsServer),
    fresh: v.fresh === true,
  };
  if (options.offline && !options.cacheDir)
    throw new UsageError('--offline needs --cache DIR to replay from');
  return {
    help: false as const,
    options,
    json: v.json === true,
    quiet: v.quiet === true,
    trace: v.trace === true,
  };
}

function robotsLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const bytes = parseSize('--max-robots', text);
  if (bytes < ROBOTS_MIN_BYTES)
    throw new UsageError(`--max-robots is at least 500k (RFC 9309 §2.5), not '${text}'`);
  return bytes;
}

// Strict, as Python's ip_network: 10.0.0.1/8 is refused rather than read as 10.0.0.0/8, so a
// typo never opens more than was typed.
function allowNets(values: string[]): string[] {
  try {
    return parseNetworkList(values).networks.map(String);
  } catch (error) {
    if (!(error instanceof AddressError)) throw error;
    throw new UsageError(
      `--allow-net takes an IPv4 or IPv6 address or CIDR, not '${error.input}' (${error.message})`,
      { cause: error },
    );
  }
}

// A DNS server is an IP address (and port): finding it by name would need DNS.
function dnsServer(text: string): string {
  let family: string;
  try {
    family = parseEndpoint(text, { defaultPort: 53 }).family;
  } catch (error) {
    throw new UsageError(`--dns takes an IP address[:port], not '${text}'`, { cause: error });
  }
  if (family === 'hostname')
    throw new UsageError(`--dns takes an IP address[:port], not the name '${text}'`);
  return text;
}

function toField(text: string): FieldSpec {
  try {
    return parseFieldSpec(text);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}
