/** Telling a TLS server apart when a plain client meets one: its bytes, or a handshake probe. */
import tls from 'node:tls';

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
