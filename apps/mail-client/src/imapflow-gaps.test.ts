/** What imapflow 2.1.2 leaves to its caller, pinned: if one of these fails, revisit the wrapper in client.ts. */
import { rmSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePeers, type Peers, startImap } from '../test/hostile-peers.ts';

let peers: Peers;
beforeAll(async () => {
  peers = await makePeers();
});
afterAll(() => {
  for (const server of peers.servers) server.close();
  rmSync(peers.dir, { recursive: true, force: true });
});

async function session(port: number, errors: string[]): Promise<ImapFlow> {
  const imap = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: true,
    auth: { user: 'a', pass: 'b' },
    tls: { ca: [peers.ca] },
    logger: false,
    maxLiteralSize: 1024,
  });
  imap.on('error', (error: { code?: string }) => errors.push(String(error.code)));
  await imap.connect();
  await imap.mailboxOpen('INBOX');
  return imap;
}

describe('imapflow 2.1.2 gaps the client wraps', () => {
  it("a refused literal is told as an 'error' event; the command itself only hears NoConnection", async () => {
    // client.ts keeps the event's reason so that the command reports ERR_TOO_LARGE.
    const port = await startImap(peers, ({ verb }, socket) => {
      if (verb !== 'UID FETCH') return false;
      socket.write('* 1 FETCH (UID 1 BODY[] {4096}\r\n');
      return true;
    });
    const errors: string[] = [];
    const imap = await session(port, errors);
    const failure = await imap.fetchOne('1', { source: true }, { uid: true }).catch((e) => e);
    expect((failure as { code?: string }).code).toBe('NoConnection');
    expect(errors).toContain('LiteralTooLarge');
    imap.close();
  });

  it('a response may hold any number of literals, each within every byte limit', async () => {
    // Each costs a token object: nothing but the client's growth bound stops 10 million.
    const port = await startImap(peers, ({ verb, tag }, socket) => {
      if (verb !== 'UID FETCH') return false;
      socket.write(`* 1 FETCH (UID 1 ${'X-A {1}\r\nx '.repeat(20_000)}BODY[] {5}\r\nhello)\r\n`);
      socket.write(`${tag} OK done\r\n`);
      return true;
    });
    const errors: string[] = [];
    const imap = await session(port, errors);
    const message = await imap.fetchOne('1', { source: true }, { uid: true });
    expect(message && String(message.source)).toBe('hello');
    expect(errors).toEqual([]);
    await imap.logout();
  });

  it('a response it cannot parse is only logged (src: s), and the command completes without it', async () => {
    // client.ts fails such a command with ERR_SERVER (its logger keeps the line).
    const port = await startImap(peers, ({ verb, tag }, socket) => {
      if (verb !== 'UID FETCH') return false;
      socket.write(`* 1 FETCH (UID 1 BODYSTRUCTURE ${'('.repeat(100)}${')'.repeat(100)})\r\n`);
      socket.write(`${tag} OK done\r\n`);
      return true;
    });
    const logged: string[] = [];
    const quiet = () => {};
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: true,
      auth: { user: 'a', pass: 'b' },
      tls: { ca: [peers.ca] },
      logger: {
        debug: quiet,
        info: quiet,
        warn: quiet,
        error: (entry: { src?: string }) => logged.push(String(entry.src)),
      },
    });
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    const message = await imap.fetchOne('1', { bodyStructure: true }, { uid: true });
    expect(message).toBeFalsy();
    expect(logged).toContain('s');
    await imap.logout();
  });

  it('search resolves with false when the connection drops under it, and says why only as an event', async () => {
    // client.ts fails a command during which an 'error' event came.
    const port = await startImap(peers, ({ verb }, socket) => {
      if (verb !== 'UID SEARCH') return false;
      socket.write(`* SEARCH${' 1'.repeat(4096)}`);
      return true;
    });
    const errors: string[] = [];
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: true,
      auth: { user: 'a', pass: 'b' },
      tls: { ca: [peers.ca] },
      logger: false,
      maxLineLength: 1024,
    });
    imap.on('error', (error: { code?: string }) => errors.push(String(error.code)));
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    expect(await imap.search({ all: true }, { uid: true })).toBe(false);
    expect(errors).toContain('LineTooLarge');
    imap.close();
  });
});
