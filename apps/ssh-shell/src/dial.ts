/** The client's TCP connect: Happy Eyeballs (RFC 8305) through @netlab/addressing, errors as SshShellError. */
import type { Socket } from 'node:net';
import { AddressError, connectTcp } from '@netlab/addressing/connect';
import { parseHost } from '@netlab/addressing/endpoint';
import { SshShellError } from './errors.ts';

export interface DialOptions {
  host: string;
  port: number;
  /** The whole connect, every address and any lookup included. */
  timeoutMs: number;
  /** Race IPv6 and IPv4 (default true); false tries the first address only. */
  happyEyeballs?: boolean | undefined;
  /** DNS servers (`host:port`) to resolve names with instead of the system's resolver. */
  dnsServers?: string[] | undefined;
}

/**
 * A name with both AAAA and A records is tried IPv6 first; if that attempt has not connected
 * within 250 ms (RFC 8305 §5's Connection Attempt Delay), an IPv4 attempt starts beside it
 * and the first to connect wins, so a host whose IPv6 path is broken (SYNs dropped, no
 * answer) costs 250 ms instead of the whole connect timeout. ssh2 then runs SSH over the
 * connected socket (its `sock` option).
 */
export async function dial(o: DialOptions): Promise<Socket> {
  const shown = `${o.host}:${o.port}`;
  try {
    const socket = await connectTcp(
      { ...parseHost(o.host), port: o.port },
      {
        connectTimeout: o.timeoutMs,
        attemptTimeout: 250,
        happyEyeballs: o.happyEyeballs ?? true,
        ...(o.dnsServers ? { servers: o.dnsServers } : {}),
      },
    );
    return socket;
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    if (err.code === 'ERR_CONNECT_TIMEOUT')
      throw new SshShellError('ERR_TIMEOUT', `cannot connect to ${shown} in ${o.timeoutMs} ms`, {
        cause: err,
      });
    // Each address's own error (ECONNREFUSED ::1:22, ...), as ssh2's socket error said it.
    const cause = err.cause;
    const why =
      cause instanceof AggregateError
        ? cause.errors.map((e: Error) => e.message).join('; ')
        : cause instanceof Error
          ? cause.message
          : err.message;
    throw new SshShellError('ERR_CONNECT', `cannot connect to ${shown}: ${why}`, { cause: err });
  }
}
