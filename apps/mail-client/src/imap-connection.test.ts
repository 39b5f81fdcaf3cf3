/** The lean connection against scripted IMAP servers on loopback TLS: what Dovecot never sends. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapWire } from './imap-connection.ts';
import { login } from './imap-login.ts';

/** A reply script: called per command line the server reads (literals already consumed). */
type Script = (line: string, socket: TLSSocket, literals: Buffer[]) => void;

let dir: string;
let key: string;
let cert: string;
const servers: Server[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imap-wire-'));
  // A throwaway self-signed certificate for 127.0.0.1, trusted through tlsOptions.ca below.
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1'],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
});

afterAll(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a TLS IMAP server that greets, then answers each command line through `script`. */
async function scripted(greeting: string, script: Script): Promise<number> {
  const server = createServer({ key, cert }, (socket) => {
    socket.on('error', () => {});
    socket.write(`${greeting}\r\n`);
    let buffered = Buffer.alloc(0);
    let literals: Buffer[] = [];
    let line = '';
    let need = -1;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (need >= 0) {
          if (buffered.length < need) return;
          literals.push(buffered.subarray(0, need));
          buffered = buffered.subarray(need);
          need = -1;
          continue;
        }
        const lf = buffered.indexOf('\r\n');
        if (lf < 0) return;
        const part = buffered.toString('utf8', 0, lf);
        line += part;
        buffered = buffered.subarray(lf + 2);
        const literal = /\{(\d+)(\+?)\}$/.exec(part);
        if (literal) {
          need = Number(literal[1]);
          if (!literal[2]) socket.write('+ go ahead\r\n');
          continue;
        }
        script(line, socket, literals);
        line = '';
        literals = [];
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const open = (port: number, trace?: (line: string) => void) =>
  ImapWire.open({
    host: '127.0.0.1',
    port,
    tls: 'implicit',
    tlsOptions: { rejectUnauthorized: true, ca: [cert] },
    label: 'IMAP test',
    ...(trace ? { trace } : {}),
  });

const tagOf = (line: string) => line.split(' ')[0]!;

describe('ImapWire', () => {
  it('LOGIN with a non-ASCII password as a synchronising literal, masked in the trace', async () => {
    const seen: string[] = [];
    const port = await scripted('* OK [CAPABILITY IMAP4rev1] hi', (line, socket, literals) => {
      seen.push(line, ...literals.map(String));
      const ok = line.includes('LOGIN') ? ' [CAPABILITY IMAP4rev1 X-AFTER]' : '';
      socket.write(`${tagOf(line)} OK${ok} done\r\n`);
    });
    const trace: string[] = [];
    const wire = await open(port, (l) => trace.push(l));
    await login(wire, { user: 'ann', pass: 'pässwörd' }, 'IMAP test');
    expect(seen).toEqual([`${tagOf(seen[0]!)} LOGIN "ann" {10}`, 'pässwörd']);
    expect(wire.capabilities.has('X-AFTER')).toBe(true);
    expect(trace.join('\n')).not.toContain('pässwörd');
    expect(trace).toContain(`IMAP C: ${tagOf(seen[0]!)} LOGIN ****`);
    await wire.close();
  });

  it('a refused login is ERR_AUTH_FAILED; a NO [NONEXISTENT] is ERR_UNKNOWN_FOLDER', async () => {
    const port = await scripted('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] hi', (line, s) => {
      if (line.includes('AUTHENTICATE')) s.write(`${tagOf(line)} NO [AUTHENTICATIONFAILED] no\r\n`);
      else s.write(`${tagOf(line)} NO [NONEXISTENT] Mailbox doesn't exist\r\n`);
    });
    const wire = await open(port);
    await expect(login(wire, { user: 'a', pass: 'b' }, 'IMAP test')).rejects.toMatchObject({
      code: 'ERR_AUTH_FAILED',
    });
    await expect(wire.command('EXAMINE "X"')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_FOLDER' });
    await wire.close();
  });

  it('garbage in the middle of a FETCH fails the command with ERR_SERVER and drops the line', async () => {
    const port = await scripted('* OK [CAPABILITY IMAP4rev1] hi', (line, socket) => {
      socket.write(
        `* 1 FETCH (UID 1 FLAGS (\\Seen)\r\n* 2 FETCH (UID 2 ))(\r\n${tagOf(line)} OK\r\n`,
      );
    });
    const wire = await open(port);
    const fetched: number[] = [];
    await expect(
      wire.command('UID FETCH 1:* (UID)', (r) => fetched.push(r.number ?? 0)),
    ).rejects.toMatchObject({
      code: 'ERR_SERVER',
    });
    await expect(wire.command('NOOP')).rejects.toMatchObject({ code: 'ERR_SERVER' });
    await wire.close();
  });

  it('a close in the middle of a literal is ERR_CONNECTION_LOST; a stray tag is ERR_SERVER', async () => {
    const port = await scripted('* OK [CAPABILITY IMAP4rev1] hi', (line, socket) => {
      if (line.endsWith('NOOP')) socket.write('ZZZ OK what?\r\n');
      else socket.end('* 1 FETCH (UID 1 BODY[] {100}\r\nonly a few bytes');
    });
    const lost = await open(port);
    await expect(lost.command('UID FETCH 1 (BODY.PEEK[])')).rejects.toMatchObject({
      code: 'ERR_CONNECTION_LOST',
    });
    const stray = await open(port);
    await expect(stray.command('NOOP')).rejects.toMatchObject({ code: 'ERR_SERVER' });
  });

  it('refuses a certificate it cannot verify (ERR_TLS_VERIFY) and a non-IMAP greeting (ERR_CONNECT)', async () => {
    const port = await scripted('220 smtp.example ESMTP', () => {});
    await expect(
      ImapWire.open({
        host: '127.0.0.1',
        port,
        tls: 'implicit',
        tlsOptions: { rejectUnauthorized: true },
        label: 'IMAP test',
      }),
    ).rejects.toMatchObject({ code: 'ERR_TLS_VERIFY' });
    await expect(open(port)).rejects.toMatchObject({ code: 'ERR_CONNECT' });
  });
});
