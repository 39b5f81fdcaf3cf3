/** TLS: verified against the dev certificate, refused without it, and the explicit opt-out. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import { type ChatServer, createServer } from './server.ts';
import { type DevCert, devCertificate } from './tls-dev.ts';
import { looksLikeTls } from './tls-sniff.ts';

const T = { timeout: 60_000 };
let dir: string;
let cert: DevCert;
let server: ChatServer;
let port: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcp-chat-tls-'));
  cert = await devCertificate(dir);
  server = createServer({ tls: { cert: cert.cert, key: cert.key } });
  port = (await server.listen(0)).port;
}, 60_000);

afterAll(async () => {
  await server?.close(500);
  await rm(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('makes a certificate for 127.0.0.1 and reuses it', T, async () => {
    expect(cert.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect((await devCertificate(dir)).fingerprint).toBe(cert.fingerprint);
  });

  it('chats over TLS when the client trusts the certificate', T, async () => {
    const ann = await connect({ port, nick: 'ann', tls: { ca: cert.cert }, reconnect: false });
    await ann.join('#secure');
    expect(await ann.say('#secure', 'encrypted hello')).toMatchObject({ seq: 1 });
    ann.destroy();
  });

  it('refuses an unknown certificate by default', T, async () => {
    const attempt = connect({ port, nick: 'bob', tls: {}, reconnect: false });
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_TLS' });
    const err = await attempt.catch((e) => e);
    expect(err.cause.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('connects unverified only when told to', T, async () => {
    const cy = await connect({ port, nick: 'cy', tls: { insecure: true }, reconnect: false });
    expect(await cy.who('#secure')).toEqual([]);
    cy.destroy();
  });

  it('tells a plain client that meets a TLS server to use --tls', T, async () => {
    // Node's TLS server hangs up on a plain hello without a byte; the client then probes.
    const attempt = connect({ port, nick: 'dee', reconnect: false, connectTimeoutMs: 5000 });
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_TLS_REQUIRED' });
  });

  it('recognises a TLS record sent to a plain client', () => {
    expect(looksLikeTls(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]))).toBe(true);
    expect(looksLikeTls(Buffer.from([0x16, 0x03, 0x01]))).toBe(true);
    expect(looksLikeTls(Buffer.from([0x00, 0x00, 0x00, 0x40]))).toBe(false); // a frame length
    expect(looksLikeTls(undefined)).toBe(false);
  });

  it('tells a TLS client that meets a plain server the server does not speak TLS', T, async () => {
    const plain = createServer();
    const plainPort = (await plain.listen(0)).port;
    try {
      const attempt = connect({ port: plainPort, nick: 'eve', tls: {}, reconnect: false });
      const err = await attempt.catch((e) => e);
      expect(err.code).toBe('ERR_TLS');
      expect(err.cause.code).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    } finally {
      await plain.close(500);
    }
  });
});
