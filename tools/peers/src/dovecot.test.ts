/** startDovecot against real clients: IMAP STARTTLS + LOGIN, LMTP delivery, SELECT, restart. */
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotPeer, startDovecot } from './dovecot.ts';
import { descendantsOf } from './proc.ts';
import { LineClient } from './test-client.ts';
import { expectStopped, isAlive } from './test-helpers.ts';
import { startSmtpSink } from './test-smtp-sink.ts';

const alice = {
  user: 'alice@netlab.test',
  password: 'correct horse: battery',
  token: 'ya29.tok-1',
};

/** The SASL XOAUTH2 initial response (Google's format, as IMAP and SMTP clients send it). */
const xoauth2 = (user: string, token: string) =>
  Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');

async function imapLogin(mail: DovecotPeer, password: string): Promise<LineClient> {
  const imap = await LineClient.tcp(mail.imapPort);
  await imap.waitFor(/^\* OK .*STARTTLS/);
  imap.send('a1 STARTTLS');
  await imap.waitFor(/^a1 OK/);
  await imap.startTls(mail.caPath);
  imap.send(`a2 LOGIN "${alice.user}" "${password}"`);
  return imap;
}

async function deliver(port: number, to: string, subject: string): Promise<void> {
  const lmtp = await LineClient.tcp(port);
  await lmtp.waitFor(/^220 /);
  lmtp.send('LHLO client.netlab.test');
  await lmtp.waitFor(/^250 /);
  lmtp.send('MAIL FROM:<bob@netlab.test>');
  await lmtp.waitFor(/^250 /);
  lmtp.send(`RCPT TO:<${to}>`);
  await lmtp.waitFor(/^250 /);
  lmtp.send('DATA');
  await lmtp.waitFor(/^354 /);
  lmtp.send(`From: bob@netlab.test\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nHello.\r\n.`);
  await lmtp.waitFor(/^250 /);
  lmtp.send('QUIT');
  lmtp.close();
}

describe('startDovecot', { timeout: 60_000 }, () => {
  let mail: DovecotPeer;
  beforeAll(async () => {
    mail = await startDovecot({ users: [alice] });
  });
  afterAll(async () => {
    await mail?.stop();
  });

  it('logs in over IMAP STARTTLS, verified against the returned CA', async () => {
    const imap = await imapLogin(mail, alice.password);
    await imap.waitFor(/^a2 OK/);
    imap.send('a3 LOGOUT');
    imap.close();
  });

  it('refuses a wrong password with AUTHENTICATIONFAILED', async () => {
    const imap = await imapLogin(mail, 'wrong');
    expect(await imap.waitFor(/^a2 /)).toMatch(/^a2 NO \[AUTHENTICATIONFAILED\]/);
    imap.close();
  });

  it('accepts the token over XOAUTH2 and OAUTHBEARER, never as a password or vice versa', async () => {
    const imap = await LineClient.tls(mail.imapsPort, mail.caPath);
    expect(await imap.waitFor(/^\* OK/)).toMatch(/AUTH=XOAUTH2 AUTH=OAUTHBEARER/);
    imap.send(`t1 AUTHENTICATE XOAUTH2 ${xoauth2(alice.user, alice.password)}`);
    // RFC 7628 §3.2.2: a failure first sends a JSON error as a challenge; the client answers empty.
    expect(await imap.waitFor(/^\+ /)).toMatch(/^\+ \S+$/);
    imap.send('');
    expect(await imap.waitFor(/^t1 /)).toMatch(/^t1 NO \[AUTHENTICATIONFAILED\]/);
    imap.send(`t2 LOGIN "${alice.user}" "${alice.token}"`);
    expect(await imap.waitFor(/^t2 /)).toMatch(/^t2 NO \[AUTHENTICATIONFAILED\]/);
    const bearer = Buffer.from(`n,a=${alice.user},\x01auth=Bearer ${alice.token}\x01\x01`);
    imap.send(`t3 AUTHENTICATE OAUTHBEARER ${bearer.toString('base64')}`);
    expect(await imap.waitFor(/^t3 /)).toMatch(/^t3 OK/);
    imap.close();
    const again = await LineClient.tls(mail.imapsPort, mail.caPath);
    await again.waitFor(/^\* OK/);
    again.send(`t4 AUTHENTICATE XOAUTH2 ${xoauth2(alice.user, alice.token)}`);
    expect(await again.waitFor(/^t4 /)).toMatch(/^t4 OK/);
    again.close();
  });

  it('delivers over LMTP; IMAPS SELECT then shows the message and special-use folders', async () => {
    await deliver(mail.lmtpPort, alice.user, 'first');
    const imap = await LineClient.tls(mail.imapsPort, mail.caPath);
    await imap.waitFor(/^\* OK/);
    imap.send(`b1 LOGIN "${alice.user}" "${alice.password}"`);
    await imap.waitFor(/^b1 OK/);
    imap.send('b2 SELECT INBOX');
    expect(await imap.waitFor(/^\* \d+ EXISTS/)).toBe('* 1 EXISTS');
    await imap.waitFor(/^b2 OK/);
    imap.send('b3 LIST "" "*"');
    const listed: string[] = [];
    for (;;) {
      const line = await imap.waitFor(/^(\* LIST|b3 )/);
      if (line.startsWith('b3')) break;
      listed.push(line);
    }
    for (const use of ['Sent', 'Drafts', 'Trash', 'Junk']) {
      expect(listed.some((l) => l.includes(`\\${use}`) && l.endsWith(use))).toBe(true);
    }
    imap.close();
  });

  it('refuses LMTP delivery to an unknown user', async () => {
    const lmtp = await LineClient.tcp(mail.lmtpPort);
    await lmtp.waitFor(/^220 /);
    lmtp.send('LHLO client.netlab.test');
    await lmtp.waitFor(/^250 /);
    lmtp.send('MAIL FROM:<bob@netlab.test>');
    await lmtp.waitFor(/^250 /);
    lmtp.send('RCPT TO:<nobody-here@netlab.test>');
    expect(await lmtp.waitFor(/^\d{3} /)).toMatch(/^550 /);
    lmtp.close();
  });

  it('offers STARTTLS on submission and accepts AUTH after it', async () => {
    const smtp = await LineClient.tcp(mail.submissionPort);
    await smtp.waitFor(/^220 /);
    smtp.send('EHLO client.netlab.test');
    await smtp.waitFor(/^250[- ]STARTTLS/);
    await smtp.waitFor(/^250 /);
    smtp.send('STARTTLS');
    await smtp.waitFor(/^220 /);
    await smtp.startTls(mail.caPath);
    smtp.send('EHLO client.netlab.test');
    await smtp.waitFor(/^250 /);
    const plain = Buffer.from(`\0${alice.user}\0${alice.password}`).toString('base64');
    smtp.send(`AUTH PLAIN ${plain}`);
    expect(await smtp.waitFor(/^\d{3} /)).toMatch(/^235 /);
    smtp.close();
  });

  it('restart() keeps the ports and the mail, closing open sessions', async () => {
    const open = await imapLogin(mail, alice.password);
    await open.waitFor(/^a2 OK/);
    open.send('a3 SELECT INBOX');
    await open.waitFor(/^a3 OK/);
    const before = mail.pid;
    const ports = [mail.imapPort, mail.imapsPort, mail.lmtpPort, mail.submissionPort];
    await mail.restart();
    expect(isAlive(before)).toBe(false);
    await open.waitClosed();
    expect(mail.pid).not.toBe(before);
    expect([mail.imapPort, mail.imapsPort, mail.lmtpPort, mail.submissionPort]).toEqual(ports);
    const imap = await imapLogin(mail, alice.password);
    await imap.waitFor(/^a2 OK/);
    imap.send('a3 SELECT INBOX');
    expect(await imap.waitFor(/^\* \d+ EXISTS/)).toBe('* 1 EXISTS');
    imap.close();
  });

  it('tls: false serves plain IMAP; stop() ends every Dovecot process and the state folder', async () => {
    const other = await startDovecot({ users: [alice], tls: false });
    expect(other.imapsPort).toBe(0);
    expect(other.caPath).toBe('');
    const imap = await LineClient.tcp(other.imapPort); // makes Dovecot fork login processes
    await imap.waitFor(/^\* OK/);
    imap.send(`c1 LOGIN "${alice.user}" "${alice.password}"`);
    await imap.waitFor(/^c1 OK/);
    const children = descendantsOf(other.pid);
    expect(children.length).toBeGreaterThan(0);
    await other.stop();
    imap.close();
    expectStopped(other.pid, other.stateDir);
    expect(children.filter(isAlive)).toEqual([]);
  });
});

describe('startDovecot with a submission relay', { timeout: 60_000 }, () => {
  let mail: DovecotPeer;
  let relay: Server;
  const received: string[] = [];

  beforeAll(async () => {
    relay = await startSmtpSink(received);
    const address = relay.address() as AddressInfo;
    mail = await startDovecot({
      users: [alice],
      submissionRelay: { host: '127.0.0.1', port: address.port },
    });
  });
  afterAll(async () => {
    await mail?.stop();
    relay?.close();
  });

  it('relays an authenticated submission to the configured SMTP server', async () => {
    const smtp = await LineClient.tcp(mail.submissionPort);
    await smtp.waitFor(/^220 /);
    smtp.send('EHLO client.netlab.test');
    await smtp.waitFor(/^250 /);
    smtp.send('STARTTLS');
    await smtp.waitFor(/^220 /);
    await smtp.startTls(mail.caPath);
    smtp.send('EHLO client.netlab.test');
    await smtp.waitFor(/^250 /);
    smtp.send(`AUTH PLAIN ${Buffer.from(`\0${alice.user}\0${alice.password}`).toString('base64')}`);
    await smtp.waitFor(/^235 /);
    smtp.send(`MAIL FROM:<${alice.user}>`);
    await smtp.waitFor(/^250 /);
    smtp.send('RCPT TO:<carol@netlab.test>');
    await smtp.waitFor(/^250 /);
    smtp.send('DATA');
    await smtp.waitFor(/^354 /);
    smtp.send(`From: ${alice.user}\r\nTo: carol@netlab.test\r\nSubject: relayed\r\n\r\nHi.\r\n.`);
    await smtp.waitFor(/^250 /);
    smtp.close();
    expect(received.join('\n')).toMatch(/RCPT TO:<carol@netlab\.test>[\s\S]*Subject: relayed/);
  });
});
