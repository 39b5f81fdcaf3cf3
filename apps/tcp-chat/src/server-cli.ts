/** `tcp-chat server`: flags to ServerOptions, TLS set-up, signals, the periodic stats line. */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { formatEndpoint, parseHost, parsePort } from '@netlab/addressing/endpoint';
import { color, parseCommandLine, parseInteger, UsageError, userCwd, userPath } from '@netlab/cli';
import { DEFAULT_PORT } from './defaults.ts';
import { SERVER_HELP } from './help.ts';
import { parseRedisUrl, type RedisBusOptions } from './redis-url.ts';
import type { ServerOptions } from './server.ts';

const options = {
  host: { type: 'string' },
  port: { type: 'string' },
  'max-frame': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-per-ip': { type: 'string' },
  'ipv6-prefix': { type: 'string' },
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  rate: { type: 'string' },
  burst: { type: 'string' },
  history: { type: 'string' },
  'max-rooms': { type: 'string' },
  'empty-room-ttl': { type: 'string' },
  'hello-timeout': { type: 'string' },
  'max-queue': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'stats-interval': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-dev': { type: 'boolean' },
  redis: { type: 'string' },
  'nick-ttl': { type: 'string' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function serverMain(argv: string[]): Promise<number> {
  const { values: f } = parseCommandLine({ args: argv, options });
  if (f.help) {
    console.log(SERVER_HELP);
    return 0;
  }
  // The server and its protocol (zod, MessagePack) load only once --help is out of the way.
  const [{ createServer }, { devCertificate }, { printTrace }] = await Promise.all([
    import('./server.ts'),
    import('./tls-dev.ts'),
    import('./trace.ts'),
  ]);
  const host = parseHost(f.host ?? '127.0.0.1');
  const port = parsePort(f.port ?? String(DEFAULT_PORT));
  const int = (name: keyof typeof f, fallback?: number) =>
    f[name] === undefined ? fallback : parseInteger(`--${name}`, String(f[name]));
  const idleTimeout = int('idle-timeout', 90_000)!;
  const opts: ServerOptions = {
    maxFrame: int('max-frame'),
    maxConnections: int('max-connections'),
    maxConnectionsPerIp: int('max-per-ip'),
    ipv6Prefix: int('ipv6-prefix'),
    allow: f.allow,
    deny: f.deny,
    rate: int('rate'),
    burst: int('burst'),
    historySize: int('history'),
    maxRooms: int('max-rooms'),
    emptyRoomTtl: int('empty-room-ttl'),
    helloTimeout: int('hello-timeout'),
    maxQueueBytes: int('max-queue'),
    idleTimeout,
    pingInterval: Math.max(1000, Math.floor(idleTimeout / 3)),
    statsInterval: int('stats-interval', 10_000),
    log: (line) => process.stderr.write(`${color.dim(line)}\n`),
    trace: f.trace ? printTrace((line) => process.stderr.write(`${line}\n`)) : undefined,
  };
  if (f['tls-dev']) {
    const dev = await devCertificate('.state/tls-dev');
    opts.tls = dev;
    // Shown as the user would type it for --ca: relative to where they ran the command.
    const shown = relative(userCwd(), resolve(dev.certPath));
    console.log(`TLS dev certificate ${shown}\n  SHA-256 ${dev.fingerprint}`);
  } else if (f['tls-cert'] || f['tls-key']) {
    if (!f['tls-cert'] || !f['tls-key'])
      throw new UsageError('--tls-cert and --tls-key go together');
    // Typed paths are relative to where the user ran the command (INIT_CWD under pnpm); a
    // missing file is ERR_FILE_NOT_FOUND naming the full path.
    const [cert, key] = [userPath(f['tls-cert']), userPath(f['tls-key'])];
    opts.tls = { cert: await readFile(cert), key: await readFile(key) };
  }
  if (f.redis !== undefined) {
    try {
      opts.redis = parseRedisUrl(f.redis);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const ttl = int('nick-ttl');
    if (ttl !== undefined && ttl < 300) throw new UsageError('--nick-ttl is at least 300 ms');
    opts.redis.nickTtlMs = ttl;
  } else if (f['nick-ttl'] !== undefined) {
    throw new UsageError('--nick-ttl only means something with --redis');
  }
  const server = createServer(opts);
  const bound = await server.listen(port, host.zone ? `${host.host}%${host.zone}` : host.host);
  const where = formatEndpoint({ ...host, port: bound.port });
  const shared = opts.redis ? `, sharing rooms through redis at ${formatRedis(opts.redis)}` : '';
  console.log(
    `tcp-chat ${opts.tls ? 'TLS ' : ''}server listening on ${where}${shared} (Ctrl-C to stop)`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: saying bye to ${server.counters().connections} client(s)`);
      // Stop within 5 s whatever happens: 4 s for clients to go, then the rest are destroyed.
      server.close(4000).then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('stopped');
  return 0;
}

function formatRedis({ host, port }: RedisBusOptions): string {
  return formatEndpoint({ host, port, family: host.includes(':') ? 'ipv6' : 'ipv4' });
}
