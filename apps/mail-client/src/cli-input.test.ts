/** The command line's own input: header injection refused, and --json errors as one JSON object, even mid-stream. */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  jsonError,
  makePeers,
  type Peers,
  runWatched,
  type SmtpCommand,
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

describe('control characters in header values given on the command line', () => {
  it(
    'a CR LF in --to, --cc or --subject, or a tab in --bcc, is ERR_USAGE (exit 2); nothing is sent',
    T,
    async () => {
      const seen: SmtpCommand[] = [];
      const imap = await startImap(peers, () => false);
      const smtp = await startSmtp(peers, (command) => {
        seen.push(command);
        return false;
      });
      const config = writeConfig(peers, imap, smtp);
      const base = ['send', '--body', 'x', '--config', config, '--json'];
      const cases = [
        ['--to', 'bob@hostile.test\r\nBcc: eve@hostile.test', '-s', 'hi'],
        [
          '--to',
          'bob@hostile.test',
          '--cc',
          'carol@hostile.test\nBcc: eve@hostile.test',
          '-s',
          'hi',
        ],
        ['--to', 'bob@hostile.test', '-s', 'hi\r\nBcc: eve@hostile.test'],
        ['--to', 'bob@hostile.test', '--bcc', 'eve@hostile.test\tx', '-s', 'hi'],
      ];
      for (const args of cases) {
        const run = await runWatched([...base, ...args], peers);
        expect({ args, code: run.code }).toEqual({ args, code: 2 });
        expect(jsonError(run).code).toBe('ERR_USAGE');
      }
      expect(seen).toEqual([]);
    },
  );
});

describe('--json errors: one JSON object on stderr', () => {
  it("after pnpm's `--`, and for usage errors", T, async () => {
    const port = await startImap(peers, ({ verb, tag }, socket) => {
      if (verb !== 'SELECT') return false;
      socket.write(`${tag} NO [NONEXISTENT] Mailbox doesn't exist\r\n`);
      return true;
    });
    const config = writeConfig(peers, port);
    // `pnpm mail -- read 1 --json` hands the CLI ['--', 'read', '1', '--json'].
    const read = await runWatched(['--', 'read', '1', '--json', '--config', config], peers);
    expect(read.code).toBe(1);
    expect(read.stderr.trim().split('\n')).toHaveLength(1);
    expect(jsonError(read).code).toBe('ERR_UNKNOWN_FOLDER');
    const usage = await runWatched(['--', 'list', '--bogus', '--json', '--config', config], peers);
    expect(usage.code).toBe(2);
    expect(jsonError(usage).code).toBe('ERR_USAGE');
  });

  it(
    'watch --json: messages stream on stdout, then a failure ends it with a JSON error',
    T,
    async () => {
      let opened = 0;
      let idles = 0;
      let idleTag = '';
      const head = 'Subject: news\r\nFrom: bob@hostile.test\r\n\r\n';
      const port = await startImap(peers, ({ verb, tag }, socket) => {
        if (verb === 'EXAMINE' && ++opened > 1) {
          // After the drop below, the folder is gone: a fatal error, no more reconnecting.
          socket.write(`${tag} NO [NONEXISTENT] Mailbox doesn't exist\r\n`);
          return true;
        }
        if (verb === 'IDLE') {
          idleTag = tag;
          socket.write('+ idling\r\n');
          // The first IDLE hears of a new message; the second ends with the connection dropped.
          if (++idles === 1) socket.write('* 2 EXISTS\r\n');
          else socket.destroy();
          return true;
        }
        if (tag === 'DONE') socket.write(`${idleTag} OK idle done\r\n`);
        else if (verb === 'UID FETCH' && idles > 0)
          socket.write(
            `* 2 FETCH (UID 2 FLAGS () BODY[HEADER.FIELDS (SUBJECT FROM)] {${head.length}}\r\n${head})\r\n${tag} OK done\r\n`,
          );
        else return false;
        return true;
      });
      const run = await runWatched(
        ['watch', '--json', '--config', writeConfig(peers, port)],
        peers,
      );
      expect(run.killed).toBe(false);
      expect(run.code).toBe(1);
      const lines = run.stdout.trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { uid: number }).uid)).toEqual([2]);
      expect(jsonError(run).code).toBe('ERR_UNKNOWN_FOLDER');
    },
  );
});
