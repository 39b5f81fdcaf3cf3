/** startRedis: redis-server on 127.0.0.1:<free port>, no persistence, state in a temp folder. */
import { connect } from 'node:net';
import { type Daemon, startDaemon } from './daemon.ts';
import { ensure } from './install.ts';
import { HOST, withFreshPorts } from './ports.ts';
import { makeStateDir, removeStateDir, writeStateFile } from './state.ts';

/** A running redis-server. */
export interface RedisPeer {
  host: string;
  port: number;
  /** Pid of the current redis-server (changes after restart()). */
  readonly pid: number;
  /** `redis://127.0.0.1:PORT` */
  url: string;
  stateDir: string;
  /** Kill it with SIGKILL (a crash) and wait until it is gone; restart() brings it back. */
  kill(): Promise<void>;
  /** Stop it if running and start it again on the same port, with an empty database. */
  restart(): Promise<void>;
  /** Stop it and remove its state folder. Safe to call twice. */
  stop(): Promise<void>;
}

function redisConfig(port: number, dir: string): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    'protected-mode yes',
    'daemonize no',
    `dir ${dir}`,
    // No persistence: tests start from an empty database every time.
    'save ""',
    'appendonly no',
    'logfile ""',
    'databases 16',
    '',
  ].join('\n');
}

/** Sends RESP `PING` over a raw socket; true on `+PONG`. */
export function redisPing(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

/**
 * Starts redis-server (installing Debian's redis-server if missing).
 * @example
 * const redis = await startRedis();
 * try { ...connect to redis.url... } finally { await redis.stop(); }
 */
export async function startRedis(): Promise<RedisPeer> {
  const [redisServer] = await ensure('redis');
  const stateDir = await makeStateDir('redis');
  const launch = async (port: number): Promise<Daemon> => {
    const config = await writeStateFile(stateDir, 'redis.conf', redisConfig(port, stateDir));
    return startDaemon({
      stateDir,
      name: 'redis',
      command: redisServer!,
      args: [config],
      ports: [port],
      ready: () => redisPing(port),
    });
  };
  let daemon: Daemon;
  let port: number;
  try {
    [daemon, port] = await withFreshPorts(1, async ([p]) => [await launch(p!), p!] as const);
  } catch (err) {
    await removeStateDir(stateDir);
    throw err;
  }
  return {
    host: HOST,
    port,
    get pid() {
      return daemon.pid;
    },
    url: `redis://${HOST}:${port}`,
    stateDir,
    async kill() {
      await daemon.kill();
    },
    async restart() {
      await daemon.stop();
      daemon = await launch(port);
    },
    async stop() {
      await daemon.stop();
      await removeStateDir(stateDir);
    },
  };
}
