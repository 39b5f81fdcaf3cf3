/** Spawn a daemon in the foreground, wait until it owns its ports, stop it by pid. */
import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { forgetPid, trackPid } from './cleanup.ts';
import { PeerError } from './errors.ts';
import { debug } from './log.ts';
import { canConnect } from './ports.ts';
import { descendantsOf, listeningPortsOf, reapOrphans } from './proc.ts';
import { writeOwner } from './sweep.ts';

/** Daemon messages meaning "someone else holds that port": start again with other ports. */
const PORT_IN_USE = /address already in use|address in use|EADDRINUSE|cannot bind any address/i;

export interface DaemonSpec {
  /** Short name for messages: 'redis', 'dovecot'. */
  name: string;
  command: string;
  args: string[];
  /** TCP ports on 127.0.0.1 it must listen on before it counts as started. */
  ports: number[];
  /** Extra readiness probe run after the ports are open (e.g. a Redis PING). */
  ready?: () => Promise<boolean>;
  /** Bound on the whole start, default 30 s. */
  timeoutMs?: number;
  /** Its state folder: the daemon's pid is recorded there for sweepLeftovers. */
  stateDir?: string;
  cwd?: string;
}

/** A running daemon process and the last lines it printed. */
export class Daemon {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<void>;
  #child: ChildProcess;
  #lines: string[] = [];
  #done = false;

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.pid = child.pid!;
    this.#child = child;
    trackPid(this.pid);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#done = true;
        forgetPid(this.pid);
        debug('%s[%d] exited (%s)', name, this.pid, signal ?? code);
        resolve();
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => this.#collect(chunk));
      // Do not keep the event loop alive for a daemon: a test that forgets stop() still exits
      // and the process 'exit' hook kills the daemon. Node's stdio pipes are net.Sockets (typed
      // as Readable); checked, so another stream type just keeps the loop alive.
      if (stream instanceof Socket) stream.unref();
    }
    // After a successful spawn, 'error' only reports a failed kill(); never let it throw.
    child.on('error', (err) => debug('%s[%d] %s', name, this.pid, err.message));
    child.unref();
  }

  /** True once the process has exited. */
  get hasExited(): boolean {
    return this.#done;
  }

  /** The last lines of the daemon's stdout+stderr, for error messages. */
  tail(lines = 15): string {
    return this.#lines.slice(-lines).join('\n');
  }

  #collect(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      debug('%s[%d] %s', this.name, this.pid, line);
      this.#lines.push(line);
    }
    if (this.#lines.length > 200) this.#lines.splice(0, this.#lines.length - 100);
  }

  /** Sends SIGKILL (a crash, no clean shutdown) and resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.#done) return;
    this.#child.kill('SIGKILL');
    await this.exited;
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it is gone.
   * Dovecot needs ~3 s to stop, hence the generous default.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.#done) return;
    const descendants = descendantsOf(this.pid);
    await this.#terminate(graceMs);
    await reapOrphans(descendants, 3000);
  }

  async #terminate(graceMs: number): Promise<void> {
    this.#child.kill('SIGTERM');
    // The grace timer is cancelled on exit so it never holds the event loop open.
    const abort = new AbortController();
    const timer = sleep(graceMs, 'timeout' as const, { signal: abort.signal }).catch(
      () => 'exited',
    );
    const first = await Promise.race([this.exited.then(() => 'exited' as const), timer]);
    abort.abort();
    if (first === 'timeout') {
      debug('%s[%d] ignored SIGTERM for %d ms: SIGKILL', this.name, this.pid, graceMs);
      this.#child.kill('SIGKILL');
      await this.exited;
    }
  }
}

async function isReady(spec: DaemonSpec, daemon: Daemon): Promise<boolean> {
  const owned = listeningPortsOf(daemon.pid);
  if (owned) {
    // /proc proves our pid holds the listening sockets; no probe connection needed.
    if (!spec.ports.every((p) => owned.has(p))) return false;
  } else {
    for (const port of spec.ports) if (!(await canConnect(port))) return false;
  }
  return spec.ready ? spec.ready() : true;
}

/**
 * Spawns the daemon and waits until it listens on all `spec.ports`.
 * @throws {PeerError} ERR_PEER_PORT_IN_USE (retry with other ports), ERR_PEER_START_FAILED
 *   (it exited; the message carries its last output) or ERR_PEER_START_TIMEOUT.
 */
export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  debug('start %s: %s %s', spec.name, spec.command, spec.args.join(' '));
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (spawned) {
    throw new PeerError('ERR_PEER_START_FAILED', `cannot run ${spec.command}: ${spawned.message}`, {
      cause: spawned,
    });
  }
  const daemon = new Daemon(spec.name, child);
  if (spec.stateDir) writeOwner(spec.stateDir, daemon.pid);
  const deadline = Date.now() + (spec.timeoutMs ?? 30_000);
  for (;;) {
    if (daemon.hasExited) {
      const tail = daemon.tail();
      const code = PORT_IN_USE.test(tail) ? 'ERR_PEER_PORT_IN_USE' : 'ERR_PEER_START_FAILED';
      throw new PeerError(code, `${spec.name} exited during start:\n${tail}`);
    }
    if (await isReady(spec, daemon)) return daemon;
    if (Date.now() > deadline) {
      await daemon.stop(2000);
      throw new PeerError(
        'ERR_PEER_START_TIMEOUT',
        `${spec.name} did not answer on 127.0.0.1:${spec.ports.join(',')} within ` +
          `${spec.timeoutMs ?? 30_000} ms:\n${daemon.tail()}`,
      );
    }
    await sleep(50);
  }
}
