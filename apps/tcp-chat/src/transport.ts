/** Opens the client's socket: TCP with Happy Eyeballs (RFC 8305), then TLS verified against the system or a given CA. */
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { AddressError, connectTcp } from '@netlab/addressing/connect';
import { type Endpoint, formatEndpoint, parseHost } from '@netlab/addressing/endpoint';
import { ChatError } from './errors.ts';

export interface TlsClientOptions {
  /** PEM certificate(s) to trust instead of the system store (a dev server's cert). */
  ca?: string | Buffer;
  /** Skip certificate verification. Only for throwaway tests; the default verifies. */
  insecure?: boolean;
}

export interface DialOptions {
  host: string;
  port: number;
  tls?: TlsClientOptions | undefined;
  /** The whole connect: lookup, every address tried, and the TLS handshake. */
  timeoutMs?: number;
  /** DNS servers (`host:port`) for a host name, instead of the system resolver (tests). */
  dnsServers?: string[] | undefined;
}

/**
 * Connects and resolves once the socket is ready to carry frames (after the TLS handshake,
 * certificate verified, when TLS is on). Failures are ChatError ERR_CONNECT, ERR_TLS or
 * ERR_TIMEOUT, with the socket error as `cause`.
 */
export async function dial({
  host,
  port,
  tls: secure,
  timeoutMs = 10_000,
  dnsServers,
}: DialOptions): Promise<Socket> {
  const target = { ...parseHost(host), port };
  const where = formatEndpoint(target);
  const started = performance.now();
  const tcp = await connectRacing(target, where, timeoutMs, dnsServers);
  // Nagle's algorithm (RFC 896) would hold a small frame until the previous one is
  // acknowledged: up to a delayed-ACK timeout (~40 ms) on every short chat line.
  tcp.setNoDelay(true);
  if (!secure) return tcp;
  const left = Math.max(1, timeoutMs - (performance.now() - started));
  return handshake(tcp, host, where, secure, left);
}

/**
 * A name with AAAA and A records is tried IPv6 first; an attempt that has not connected
 * within 250 ms (RFC 8305 §5, the Connection Attempt Delay) gets the next address, of the
 * other family, started beside it, and the first to connect wins. A host whose IPv6 path
 * drops SYNs costs 250 ms instead of the whole timeout. `connectTcp` runs the race.
 */
async function connectRacing(
  target: Endpoint,
  where: string,
  timeoutMs: number,
  dnsServers: string[] | undefined,
): Promise<Socket> {
  try {
    return await connectTcp(target, {
      connectTimeout: timeoutMs,
      attemptTimeout: 250,
      ...(dnsServers ? { servers: dnsServers } : {}),
    });
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    if (err.code === 'ERR_CONNECT_TIMEOUT')
      throw new ChatError('ERR_TIMEOUT', `no connection to ${where} within ${timeoutMs} ms`, {
        cause: err,
      });
    // Each address's own error (ECONNREFUSED 127.0.0.1:4040, ...); a DNS error is its own.
    const attempts: NodeJS.ErrnoException[] =
      err.cause instanceof AggregateError ? err.cause.errors : [err.cause ?? err];
    const codes = attempts.map((e) => e.code ?? e.message).join(', ');
    throw new ChatError('ERR_CONNECT', `cannot connect to ${where}: ${codes}`, {
      cause: err,
      // A refused connection: the host answered with a RST, nothing listens on the port.
      hint: attempts.every((e) => e.code === 'ECONNREFUSED')
        ? 'nothing listens there: start a server (tcp-chat server), or check HOST:PORT'
        : undefined,
    });
  }
}

/** TLS over the connected socket: the certificate checked against `ca` or the system store. */
function handshake(
  tcp: Socket,
  host: string,
  where: string,
  secure: TlsClientOptions,
  timeoutMs: number,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      socket: tcp,
      // The name the certificate is checked against; with `socket` given, Node would check 'localhost'.
      host: parseHost(host).host,
      ca: secure.ca,
      rejectUnauthorized: secure.insecure !== true,
      // SNI must be a host name; for IP literals Node checks the certificate's IP SANs.
      servername: net.isIP(host) ? undefined : host,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ChatError('ERR_TIMEOUT', `no TLS handshake with ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // OpenSSL's reasons (ERR_SSL_..., certificate codes) are TLS; errno codes (ECONNRESET) are not.
      const code = String(err.code ?? '');
      const isTls = /^ERR_(SSL|TLS)_/.test(code) || !code.startsWith('E');
      reject(
        isTls
          ? new ChatError('ERR_TLS', `TLS to ${where} failed: ${err.code ?? ''} ${err.message}`, {
              cause: err,
              hint: trustHint(err),
            })
          : new ChatError('ERR_CONNECT', `cannot connect to ${where}: ${err.code ?? err.message}`, {
              cause: err,
            }),
      );
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/**
 * Certificate errors get a hint: a dev server's certificate is trusted with --ca. A reply that
 * is no TLS record at all ("wrong version number": the first byte was a frame length) means a
 * plain server.
 */
function trustHint(err: NodeJS.ErrnoException): string | undefined {
  const code = err.code ?? '';
  if (/CERT|SIGNED|ISSUER/.test(code)) return 'trust the server certificate with --ca FILE';
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER/.test(code))
    return 'the server does not speak TLS: leave out --tls, --ca and --insecure';
  return undefined;
}
