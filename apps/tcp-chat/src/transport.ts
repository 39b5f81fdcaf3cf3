/** Opens the client's socket: plain TCP, or TLS verified against the system or a given CA. */
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { formatEndpoint } from '@netlab/addressing/endpoint';
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
  timeoutMs?: number;
}

/**
 * Connects and resolves once the socket is ready to carry frames (after the TLS handshake,
 * certificate verified, when TLS is on). Failures are ChatError ERR_CONNECT, ERR_TLS or
 * ERR_TIMEOUT, with the socket error as `cause`.
 */
export function dial({
  host,
  port,
  tls: secure,
  timeoutMs = 10_000,
}: DialOptions): Promise<Socket> {
  const where = formatEndpoint({ host, port, family: host.includes(':') ? 'ipv6' : 'ipv4' });
  return new Promise((resolve, reject) => {
    const socket: Socket = secure
      ? tls.connect({
          host,
          port,
          ca: secure.ca,
          rejectUnauthorized: secure.insecure !== true,
          // SNI must be a host name; for IP literals Node checks the certificate's IP SANs.
          servername: net.isIP(host) ? undefined : host,
        })
      : net.connect({ host, port });
    const ready = secure ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ChatError('ERR_TIMEOUT', `no connection to ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // OpenSSL's reasons (ERR_SSL_..., certificate codes) are TLS; errno codes (ECONNREFUSED) are not.
      const code = String(err.code ?? '');
      const isTls = secure && (/^ERR_(SSL|TLS)_/.test(code) || !code.startsWith('E'));
      reject(
        isTls
          ? new ChatError('ERR_TLS', `TLS to ${where} failed: ${err.code ?? ''} ${err.message}`, {
              cause: err,
              hint: trustHint(err),
            })
          : new ChatError('ERR_CONNECT', `cannot connect to ${where}: ${err.code ?? err.message}`, {
              cause: err,
              // A refused connection: the host answered with a RST, nothing listens on the port.
              hint:
                err.code === 'ECONNREFUSED'
                  ? 'nothing listens there: start a server (tcp-chat server), or check HOST:PORT'
                  : undefined,
            }),
      );
    });
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Nagle's algorithm (RFC 896) would hold a small frame until the previous one is
      // acknowledged: up to a delayed-ACK timeout (~40 ms) on every short chat line.
      socket.setNoDelay(true);
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
