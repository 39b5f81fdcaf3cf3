/** Telling a TLS server apart when a plain client meets one: its bytes, or a handshake probe. */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { ChatError } from './errors.ts';

/**
 * Whether bytes from a server start like a TLS record: content type 21 (alert) or 22
 * (handshake), then protocol version major 3 (SSL 3.0 through TLS 1.3 all say 3). A tcp-chat
 * frame would start with its length, and no frame is 350 MB long.
 */
export function looksLikeTls(bytes: Uint8Array | undefined): boolean {
  return (
    bytes !== undefined &&
    bytes.length >= 2 &&
    (bytes[0] === 21 || bytes[0] === 22) &&
    bytes[1] === 3
  );
}

/**
 * Asks the server for a TLS handshake, certificate unchecked (only the answer matters, and
 * nothing is sent over it). Node's TLS server answers a plain hello by closing without a word,
 * so a plain client that was hung up on before any reply asks this to explain why.
 */
export function speaksTls(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false });
    const done = (yes: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(yes);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Keeps the first bytes a plain client receives, then explains a failed hello with them: a
 * TLS server answers a plain hello in TLS (an alert), or hangs up without a word (then a
 * handshake probe asks). A hang-up that is not TLS is most likely a source policy refusing
 * the client's address. Returns what to throw: ERR_TLS_REQUIRED, ERR_CLOSED with a hint, or
 * the hello's own error.
 */
export function explainFailedHello(
  socket: Socket,
  where: { host: string; port: number; peer: string },
): (err: { code?: string }) => Promise<unknown> {
  let first: Buffer | undefined;
  socket.once('data', (chunk: Buffer) => {
    first = chunk;
  });
  return async (err) => {
    if (err.code === 'ERR_NICK_IN_USE' || err.code === 'ERR_PROTOCOL_VERSION') return err;
    if (looksLikeTls(first) || (first === undefined && (await speaksTls(where.host, where.port)))) {
      return new ChatError('ERR_TLS_REQUIRED', `${where.peer} speaks TLS, this client plain TCP`, {
        cause: err,
        hint: 'add --tls, and --ca FILE to trust a --tls-dev certificate',
      });
    }
    // Closed before one byte: what a server's --allow/--deny does at accept (source-policy.ts).
    if (first === undefined && err.code === 'ERR_CLOSED')
      return new ChatError('ERR_CLOSED', `${where.peer} closed the connection without a word`, {
        cause: err,
        hint: 'the server may refuse your address: see its --allow and --deny',
      });
    return err;
  };
}
