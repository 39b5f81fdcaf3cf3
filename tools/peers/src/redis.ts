/** startRedis: redis-server on 127.0.0.1:<free port>, state in a temp folder, persistence opt-in. */
import { connect } from 'node:net';
import { type Daemon, startDaemon } from './daemon.ts';
import { ensureInstalled } from './install.ts';
import { HOST, withFreshPorts } from './ports.ts';
import { REDIS } from './requirement-redis.ts';
import { makeStateDir, removeStateDir, writeStateFile } from './state.ts';

export interface RedisOptions {
  /**
   * Keep data across kill()/restart() (default false: every start is empty). Uses the
   * append-only file with `appendfsync always`, so even a SIGKILL loses no acknowledged write.
   */
  persistence?: boolean;
}

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
  /** Stop it if running and start it again on the same port (empty unless `persistence`). */
  restart(): Promise<void>;
  /** Stop it and remove its state folder. Safe to call twice. */
  stop(): Promise<void>;
}

function redisConfig(port: number, dir: string, persistence: boolean): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    'protected-mode yes',
    'daemonize no',
    `dir ${dir}`,
    // Never RDB snapshots; the append-only file only when asked, fsynced on every write.
    'save ""',
    `appendonly ${persistence ? 'yes' : 'no'}`,
    'appendfsync always',
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
 * const redis = await startRedis(); // or startRedis({ persistence: true })
 * try { ...connect to redis.url... } finally { await redis.stop(); }
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisPeer> {
  const persistence = options.persistence ?? false;
  const [redisServer] = await ensureInstalled(REDIS.packages, REDIS.paths);
  const stateDir = await makeStateDir('redis');
  const launch = async (port: number): Promise<Daemon> => {
    const config = await writeStateFile(
      stateDir,
      'redis.conf',
      redisConfig(port, stateDir, persistence),
    );
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
