/** The relay against smtp-server in LMTP mode: exact bytes, size limit, refusals, abrupt clients. */
import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Relay } from './server.ts';

// The downstream is smtp-server in LMTP mode (a real LMTP implementation, RFC 2033), so the
// relay's delivery can be checked byte for byte; the Dovecot end-to-end path is in test/.
let lmtp: SMTPServer;
let lmtpPort = 0;
const received: { rcpt: string[]; raw: Buffer }[] = [];
let relay: Relay;
let relayPort = 0;

beforeAll(async () => {
  lmtp = new SMTPServer({
    lmtp: true,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) return callback(new Error('550 no such user'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          rcpt: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => lmtp.listen(0, '127.0.0.1', resolve));
  lmtpPort = (lmtp.server.address() as { port: number }).port;
  relay = createServer({
    lmtp: { host: '127.0.0.1', port: lmtpPort, family: 'ipv4' },
    maxSize: 10_000,
  });
  relayPort = (await relay.listen({ host: '127.0.0.1', port: 0, family: 'ipv4' })).port;
});

afterAll(async () => {
  await relay.close();
  await new Promise<void>((resolve) => lmtp.close(() => resolve()));
});

function submit(to: string[], raw: Buffer) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: relayPort,
    ignoreTLS: true,
  });
  return transport
    .sendMail({ envelope: { from: 'a@x.test', to }, raw })
    .finally(() => transport.close());
}

describe('relay', () => {
  it('delivers the exact bytes over LMTP to every recipient', async () => {
    const raw = Buffer.from('Subject: hi\r\nFrom: a@x.test\r\n\r\n.dot-stuffed line\r\nbody ✓\r\n');
    const info = await submit(['b@x.test', 'c@x.test'], raw);
    expect(info.accepted).toEqual(['b@x.test', 'c@x.test']);
    const last = received.at(-1)!;
    expect(last.rcpt).toEqual(['b@x.test', 'c@x.test']);
    expect(last.raw.equals(raw)).toBe(true);
  });

  it('survives a client that vanishes mid-DATA, delivering nothing from it', async () => {
    const before = received.length;
    const socket = connect(relayPort, '127.0.0.1');
    socket.on('error', () => {});
    let replies = '';
    socket.on('data', (d: Buffer) => {
      replies += d.toString();
      if (replies.includes('354')) socket.destroy(); // abrupt close in the middle of the message
    });
    socket.write(
      'EHLO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\nSubject: cut\r\n\r\nhalf a mess',
    );
    await new Promise((resolve) => socket.on('close', resolve));
    const raw = Buffer.from('Subject: after\r\n\r\nstill fine\r\n');
    await submit(['b@x.test'], raw);
    expect(received.length).toBe(before + 1);
    expect(received.at(-1)!.raw.equals(raw)).toBe(true);
  });

  it('answers garbage with an error reply and keeps the session usable', async () => {
    const socket = connect(relayPort, '127.0.0.1');
    let replies = '';
    socket.on('data', (d: Buffer) => {
      // Speaking before the 220 greeting is refused outright (421), so wait for it.
      if (!replies) socket.write('\x00\xff\xfe GARBAGE\r\nNOOP\r\nQUIT\r\n');
      replies += d.toString();
    });
    await new Promise((resolve) => socket.on('close', resolve));
    expect(replies).toMatch(/^5\d\d /m);
    expect(replies).toMatch(/^250 /m);
  });

  it('refuses a message larger than maxSize with 552', async () => {
    const raw = Buffer.from(`Subject: big\r\n\r\n${'x'.repeat(20_000)}\r\n`);
    await expect(submit(['b@x.test'], raw)).rejects.toMatchObject({ responseCode: 552 });
  });

  it('passes an LMTP refusal back when no recipient is accepted', async () => {
    const before = received.length;
    await expect(
      submit(['nobody@x.test'], Buffer.from('Subject: x\r\n\r\nx\r\n')),
    ).rejects.toMatchObject({ code: 'EMESSAGE' });
    expect(received.length).toBe(before);
  });
});
