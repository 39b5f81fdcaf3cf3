/** Command deadlines: the real CLI as a child against IMAP and SMTP servers that stall on purpose. */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  jsonError,
  makePeers,
  type Peers,
  runWatched,
  startImap,
  startSmtp,
  writeConfig,
} from '../test/hostile-peers.ts';

let peers: Peers;
beforeAll(async () => {
  peers = await makePeers();
});
afterAll(() => {
  for (const server of peers.servers) server.close();
  rmSync(peers.dir, { recursive: true, force: true });
});

const T = { timeout: 120_000 };

describe('command deadlines: a server that stalls fails the command by itself, naming it', () => {
  it('read: the server sends half a FETCH response, then nothing', T, async () => {
    const port = await startImap(peers, ({ verb }, socket) => {
      if (verb !== 'UID FETCH') return false;
      socket.write('* 1 FETCH (UID 1 FLAGS () BODY[] {500}\r\nFrom: Bob <bob@hostile.test>\r\n');
      return true;
    });
    const run = await runWatched(
      ['read', '1', '--timeout', '1', '--json', '--config', writeConfig(peers, port)],
      peers,
    );
    expect(run.killed).toBe(false);
    expect(run.code).toBe(1);
    const error = jsonError(run);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toContain('UID FETCH 1 timed out after 1 s');
  });

  it('list: the same stall mid-FETCH, deadline from the config', T, async () => {
    // A plain list fetches the newest by sequence number: FETCH 1:1 of the one message.
    const port = await startImap(peers, ({ verb }, socket) => {
      if (verb !== 'FETCH') return false;
      socket.write('* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 9 BODY[HEADER.FIELDS (FROM)] {300}\r\n');
      return true;
    });
    const run = await runWatched(
      ['list', '--json', '--config', writeConfig(peers, port, 9, 'timeout = 1\n')],
      peers,
    );
    expect(run.killed).toBe(false);
    expect(run.code).toBe(1);
    const error = jsonError(run);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toContain('FETCH 1:1 timed out after 1 s');
  });

  it('send: the SMTP server takes the message after DATA and never answers', T, async () => {
    const imap = await startImap(peers, () => false);
    const smtp = await startSmtp(peers, ({ verb }) => verb === '.');
    const run = await runWatched(
      [
        ...['send', '--to', 'bob@hostile.test', '-s', 'x', '--body', 'y'],
        ...['--timeout', '1', '--json', '--config', writeConfig(peers, imap, smtp)],
      ],
      peers,
    );
    expect(run.killed).toBe(false);
    expect(run.code).toBe(1);
    const error = jsonError(run);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toContain('DATA timed out after 1 s');
  });
});
