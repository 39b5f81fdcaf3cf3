/** Run one command on many hosts: bounded concurrency, a timeout per host, prefixed output lines. */
import { Writable } from 'node:stream';
import { type ConnectOptions, connect, type SshConnection } from './client.ts';
import { describe, SshShellError } from './errors.ts';
import type { HostResult } from './protocol.ts';

export interface Target {
  /** As typed (`web1`, `root@[::1]:2222`), used as the line prefix and in the table. */
  label: string;
  host: string;
  port: number;
  username: string;
}

export interface ManyOptions {
  concurrency: number;
  timeoutMs: number;
  /** Connection settings shared by every host (identities, known_hosts, trace...). */
  base: Omit<ConnectOptions, 'host' | 'port' | 'username'>;
  /** Run each command on a PTY (`exec -t`), so that hanging up on a timeout ends it. */
  pty?: boolean;
  /** Receives each complete output line (a long line is cut at 64 KiB rather than buffered). */
  onLine: (target: Target, stream: 'stdout' | 'stderr', line: string) => void;
}

/** A Writable that hands out whole lines; output is not a framed protocol, so it never fails. */
export function lineWriter(onLine: (line: string) => void, maxLine = 64 * 1024): Writable {
  let pending = '';
  return new Writable({
    decodeStrings: true,
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        onLine(pending.slice(0, nl).replace(/\r$/, ''));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      // Bound: a line without a newline is flushed in pieces instead of growing without limit.
      while (pending.length >= maxLine) {
        onLine(pending.slice(0, maxLine));
        pending = pending.slice(maxLine);
      }
      done();
    },
    final(done) {
      if (pending !== '') onLine(pending);
      done();
    },
  });
}

async function runOne(t: Target, command: string, o: ManyOptions): Promise<HostResult> {
  const started = performance.now();
  let conn: SshConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const abort = new AbortController();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort(); // a signal request for the command, then the channel closes
      reject(new SshShellError('ERR_TIMEOUT', timeoutMessage(o)));
    }, o.timeoutMs);
  });
  const stdout = lineWriter((line) => o.onLine(t, 'stdout', line));
  const stderr = lineWriter((line) => o.onLine(t, 'stderr', line));
  try {
    const work = (async () => {
      conn = await connect({ ...o.base, host: t.host, port: t.port, username: t.username });
      // Timed out while still logging in: hang up instead of starting the command late.
      if (finished) throw new SshShellError('ERR_TIMEOUT', 'login finished after the timeout');
      return conn.exec(command, { stdout, stderr, abort: abort.signal, pty: o.pty === true });
    })();
    // A connection that completes after the timeout is ended as soon as it exists.
    work.finally(() => finished && conn?.client.end()).catch(() => {});
    work.catch(() => {}); // settled through the race below; avoid an unhandled rejection
    const r = await Promise.race([work, timeout]);
    return { host: t.label, ...r, durationMs: performance.now() - started };
  } catch (err) {
    return {
      host: t.label,
      exitCode: null,
      signal: null,
      durationMs: performance.now() - started,
      error: describe(err),
    };
  } finally {
    finished = true;
    clearTimeout(timer);
    stdout.end();
    stderr.end();
    // Ends the connection even after a timeout; the server then ends the remote command.
    conn?.client.end();
  }
}

/** What a timeout did, and what that is worth on OpenSSH (checked against sshd 9.2). */
function timeoutMessage(o: ManyOptions): string {
  const sent = `no result within ${o.timeoutMs} ms: sent TERM (signal request) and hung up`;
  return o.pty
    ? `${sent}; the PTY's hangup sends the command SIGHUP`
    : `${sent}; sshd ignores the signal for root logins, so the command may run on (use -t)`;
}

/** Run `command` on every target, at most `concurrency` at once; results in target order. */
export async function execMany(targets: Target[], command: string, o: ManyOptions) {
  const results: HostResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await runOne(targets[i]!, command, o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, targets.length) }, worker));
  return results;
}

/** The summary table: host, exit (or signal/error code), time. */
export function summaryTable(results: HostResult[]): string {
  const rows = results.map((r) => [
    r.host,
    r.error ? r.error.code : r.signal ? `SIG${r.signal}` : String(r.exitCode),
    `${(r.durationMs / 1000).toFixed(2)}s`,
    r.error?.message ?? '',
  ]);
  const header = ['HOST', 'EXIT', 'TIME', 'ERROR'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
