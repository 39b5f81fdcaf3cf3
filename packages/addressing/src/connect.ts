/** connectTcp: resolve, then connect with Happy Eyeballs (RFC 8305) and bounded waits. */
import net, { type LookupFunction } from 'node:net';
import { debuglog } from 'node:util';
import { type DnsOptions, lookupAll } from './dns.ts';
import { type Endpoint, formatEndpoint, parseEndpoint } from './endpoint.ts';
import { AddressError } from './errors.ts';

const debug = debuglog('addressing');

/**
 * Options for {@link connectTcp}; DNS options apply when the host is a name.
 * @example { connectTimeout: 5000, attemptTimeout: 250, servers: ['127.0.0.1:5353'] }
 */
export interface ConnectOptions extends DnsOptions {
  /** Port when the target text has none. */
  defaultPort?: number;
  /** Milliseconds for the whole connect, lookups included; default 10000. */
  connectTimeout?: number;
  /**
   * Milliseconds each address gets before the next one is tried (RFC 8305 §5's Connection
   * Attempt Delay, Node's `autoSelectFamilyAttemptTimeout`, at least 10); default 250.
   */
  attemptTimeout?: number;
  /** Try every address of the name, alternating families (default true); false: the first only. */
  happyEyeballs?: boolean;
  /** Abandons the connect (the socket is destroyed) with `ERR_CONNECT_ABORTED`. */
  signal?: AbortSignal;
}

/** A `lookup` for net.connect that asks our DNS servers instead of getaddrinfo. */
function lookupVia(options: DnsOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const family =
      lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
    lookupAll(hostname, { ...options, family }).then(
      (found) => {
        debug('lookup %s -> %j', hostname, found);
        if (lookupOptions.all) callback(null, found);
        else callback(null, found[0]!.address, found[0]!.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}

/**
 * Connects a TCP socket to `host:port` text or an {@link Endpoint}. A name is resolved
 * (through `servers` when given, else the system), then every address is tried in turn,
 * IPv6 and IPv4 alternating, each given `attemptTimeout` ms before the next starts (Node's
 * `autoSelectFamily`); the whole connect gives up after `connectTimeout` ms.
 * @param target `host:port` text (parsed by {@link parseEndpoint}) or a parsed endpoint
 * @param options timeouts, DNS servers, `defaultPort`, `happyEyeballs`, `signal`
 * @returns the connected socket
 * @throws {AddressError} synchronously, endpoint errors for bad `target` text; the promise
 *   rejects with `ERR_CONNECT_TIMEOUT`, `ERR_CONNECT_ABORTED`, `ERR_CONNECT_FAILED` (the cause
 *   holds each attempt's error) or a DNS error (`ERR_DNS_*`)
 * @example const socket = await connectTcp('[::1]:4040', { connectTimeout: 2000 });
 */
export function connectTcp(
  target: string | Endpoint,
  options: ConnectOptions = {},
): Promise<net.Socket> {
  const endpoint =
    typeof target === 'string'
      ? parseEndpoint(target, { defaultPort: options.defaultPort })
      : target;
  const shown = formatEndpoint(endpoint);
  const host = endpoint.zone ? `${endpoint.host}%${endpoint.zone}` : endpoint.host;
  const timeout = options.connectTimeout ?? 10_000;
  const socket = net.connect({
    host,
    port: endpoint.port,
    autoSelectFamily: options.happyEyeballs ?? true,
    // RFC 8305 §5's Connection Attempt Delay: each address gets 250 ms, then Node drops it and
    // dials the next family's; a black-holed IPv6 path costs 250 ms, not a TCP timeout (~2 min).
    autoSelectFamilyAttemptTimeout: Math.max(10, options.attemptTimeout ?? 250),
    ...(options.servers && endpoint.family === 'hostname' ? { lookup: lookupVia(options) } : {}),
  });
  return new Promise((resolve, reject) => {
    const fail = (err: AddressError) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => {
      fail(
        new AddressError(
          'ERR_CONNECT_TIMEOUT',
          `connect to ${shown}: no connection in ${timeout} ms`,
        ),
      );
    }, timeout);
    const onAbort = () => {
      const reason: unknown = options.signal?.reason;
      const why = reason instanceof Error ? `: ${reason.message}` : '';
      fail(
        new AddressError('ERR_CONNECT_ABORTED', `connect to ${shown} aborted${why}`, {
          cause: reason,
        }),
      );
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      debug('connected to %s via %s', shown, socket.remoteAddress);
      resolve(socket);
    });
    const onError = (err: Error) => {
      if (err instanceof AddressError) return fail(err);
      const attempts = err instanceof AggregateError ? err.errors : [err];
      const why = attempts.map((e: Error) => e.message).join('; ');
      fail(new AddressError('ERR_CONNECT_FAILED', `connect to ${shown}: ${why}`, { cause: err }));
    };
    socket.once('error', onError);
  });
}
