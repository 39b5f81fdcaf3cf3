/** Accept-time guards, a layer over server.ts: --allow networks, per-source penalties, MaxStartups, login grace, the unsent-bytes bound. */
import type { Socket } from 'node:net';
import type { NetworkList } from '@netlab/addressing/network';
import { type PenaltyOptions, SourcePenalties, sourceKey } from './penalties.ts';
import { type LogEntry, STARTUP_DEFAULTS } from './protocol.ts';
import { SourcePolicy } from './source-policy.ts';
import { type StartupLimits, Startups } from './startups.ts';

export interface GuardOptions {
  loginGraceMs: number;
  allow?: NetworkList | undefined;
  penalties?: Partial<PenaltyOptions> | undefined;
  startups?: Partial<StartupLimits> | undefined;
  log: (entry: Omit<LogEntry, 'time'>) => void;
}

export interface Guards {
  /** The per-source failed-login budget, charged by the connection's authentication. */
  penalties: SourcePenalties;
  /** Checks a new socket; false when it was refused (and destroyed). */
  admit(socket: Socket): boolean;
  /** The connection from `from` has logged in: stop its grace timer, free its startup slot. */
  loggedIn(from: string): void;
}

export function acceptGuards(o: GuardOptions): Guards {
  const policy = new SourcePolicy(o.allow);
  const penalties = new SourcePenalties(o.penalties);
  const startups = new Startups({ ...STARTUP_DEFAULTS, ...o.startups });
  /** Per connection not yet logged in: stops its grace timer and frees its startup slot. */
  const pending = new Map<string, () => void>();
  const admit = (socket: Socket) => {
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    if (!policy.allows(socket.remoteAddress)) {
      // Outside every --allow network: closed before ssh2 sees the socket, so not one SSH
      // byte (not even our version line) is sent; counted, logged 1st and every 100th.
      if (policy.refused())
        o.log({
          event: 'refused',
          from,
          detail: `source not in --allow (${policy.refusedCount} connection(s) refused)`,
        });
      socket.destroy();
      return false;
    }
    const source = sourceKey(socket.remoteAddress);
    const refused = penalties.admit(source);
    if (refused) {
      // A penalised source is cut off before a byte of SSH; counted, logged 1st and every 100th.
      if (refused.count === 1 || refused.count % 100 === 0)
        o.log({
          event: 'refused',
          from,
          detail: `source ${source} penalised for ${Math.ceil(refused.waitMs / 1000)} s more (${refused.count} connection(s) refused)`,
        });
      socket.destroy();
      return false;
    }
    const slot = startups.take(source);
    if (typeof slot === 'string') {
      const n = startups.refusedCount;
      if (n === 1 || n % 100 === 0)
        o.log({ event: 'refused', from, detail: `${slot}; ${n} refused so far` });
      socket.destroy();
      return false;
    }
    // LoginGraceTime starts at accept: a peer that never even sends its version line is cut
    // off too.
    const timer = setTimeout(() => {
      o.log({
        event: 'disconnect',
        from,
        detail: `login grace time ${o.loginGraceMs} ms exceeded`,
      });
      socket.destroy();
    }, o.loginGraceMs);
    const loggedIn = () => {
      clearTimeout(timer);
      slot();
      pending.delete(from);
    };
    pending.set(from, loggedIn);
    socket.on('close', loggedIn);
    coalesceWrites(socket, (unsent) =>
      o.log({ event: 'disconnect', from, detail: `peer reads nothing: ${unsent} bytes unsent` }),
    );
    return true;
  };
  return { penalties, admit, loggedIn: (from) => pending.get(from)?.() };
}

/**
 * Bytes Node may hold for one socket that the peer does not read. ssh2 writes whatever the
 * SSH window allows without looking at the socket, and the window is the client's to grant:
 * one that grants gigabytes (WINDOW_ADJUST, RFC 4254 §5.2) and stops reading TCP would have
 * the server buffer a command's whole output. An honest client's window is 2 MiB (OpenSSH,
 * ssh2), so this much unsent means the peer is not reading.
 */
const MAX_UNSENT = 32 * 1024 * 1024;

/**
 * ssh2 writes every SSH packet (at most 32 KiB for OpenSSH clients) with its own
 * socket.write(), one syscall each. Corking until the end of the tick hands the kernel all
 * packets of one burst in a single writev, as sshd does with its output buffer. Every write
 * also checks the bound above; past it the connection is destroyed.
 */
function coalesceWrites(socket: Socket, overflow: (unsent: number) => void): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((...args: unknown[]) => {
    if (socket.writableLength > MAX_UNSENT) {
      if (!socket.destroyed) overflow(socket.writableLength);
      socket.destroy();
      return false;
    }
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  }) as Socket['write'];
}
