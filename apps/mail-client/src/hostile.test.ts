/** Hostile-input suite: the real CLI as a child process against IMAP and SMTP servers that attack it. */
import { rmSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  flood,
  jsonError,
  makePeers,
  type Peers,
  runWatched,
  type SmtpCommand,
  startImap,
  startSmtp,
  type WatchedRun,
  writeConfig,
} from '../test/hostile-peers.ts';
import { controlIndex } from './header-safety.ts';
import { MAX_COMMAND_GROWTH } from './imap-guard.ts';

let peers: Peers;
beforeAll(async () => {
  peers = await makePeers();
});
afterAll(() => {
  for (const server of peers.servers) server.close();
  rmSync(peers.dir, { recursive: true, force: true });
});

const T = { timeout: 120_000 };
const MiB = 1024 * 1024;
// The CLI alone (node, tsx, imapflow, nodemailer, mailparser) sits near 120 MB. A listing
// session (list) has the tight bounds of LISTING_LIMITS in client.ts (a 4 MiB line, 1 MiB
// literals, 5 MiB per response, 128 MiB of growth per command, the deadline) that keep each
// attack well under LISTING; a message session (read) has room for 128 MiB messages, and its
// last resort is the per-command growth bound, sampled every 100 ms, so FLOW allows that growth
// plus the CLI and some overshoot. The servers below offer gigabytes.
const LISTING = 400 * MiB;
const FLOW = MAX_COMMAND_GROWTH + 256 * MiB;

/** Serves `answer` to the UID FETCH of `read`, or the FETCH of `list` (the newest by sequence number). */
const onFetch = (answer: (tag: string, socket: TLSSocket, line: string) => void) =>
  startImap(peers, ({ verb, tag, line }, socket) => {
    if (verb !== 'UID FETCH' && verb !== 'FETCH') return false;
    answer(tag, socket, line);
    return true;
  });

/**
 * Runs `mail <args> --json` against the port; checks it ended by itself with `code` (or one of
 * `code`, where two bounds race), RSS bounded.
 */
async function expectFailure(
  args: string[],
  port: number,
  code: string | string[],
  smtpPort?: number,
): Promise<WatchedRun> {
  const bound = args[0] === 'read' ? FLOW : LISTING;
  const config = writeConfig(peers, port, smtpPort);
  const run = await runWatched([...args, '--json', '--config', config], peers);
  const error = jsonError(run).code;
  expect({ killed: run.killed, exit: run.code, error }).toEqual({
    killed: false,
    exit: 1,
    error: Array.isArray(code) && code.includes(error) ? error : code,
  });
  expect(run.peakRss).toBeGreaterThan(0);
  expect(run.peakRss).toBeLessThan(bound);
  return run;
}

describe('hostile IMAP server', () => {
  it(
    'a literal announcing {4294967295} is refused before a byte of it is buffered',
    T,
    async () => {
      const port = await onFetch((_, s) => s.write('* 1 FETCH (UID 1 BODY[] {4294967295}\r\nabc'));
      await expectFailure(['read', '1'], port, 'ERR_TOO_LARGE');
      await expectFailure(['list'], port, 'ERR_TOO_LARGE');
    },
  );

  it('an endless line with no CRLF stops at the 64 MiB line bound', T, async () => {
    const port = await onFetch((_, s) => {
      s.write('* 1 FETCH (UID 1 FLAGS (');
      void flood(s, Buffer.alloc(64 * 1024, 'A'), 2048 * MiB);
    });
    await expectFailure(['read', '1', '--timeout', '30'], port, 'ERR_TOO_LARGE');
    await expectFailure(['list', '--timeout', '30'], port, 'ERR_TOO_LARGE');
  });

  it(
    'a response that never ends: endless small literals, or a trickle, is cut off',
    T,
    async () => {
      const literals = await onFetch((_, s) => {
        s.write('* 1 FETCH (UID 1 X-A {1}\r\n');
        void flood(s, Buffer.from('x X-A {1}\r\n'.repeat(4096)), 2048 * MiB);
      });
      await expectFailure(['list', '--timeout', '30'], literals, 'ERR_TOO_LARGE');
      await expectFailure(['read', '1', '--timeout', '30'], literals, 'ERR_TOO_LARGE');
      const trickle = await onFetch((_, s) => {
        s.write('* 1 FETCH (UID 1 FLAGS (');
        const timer = setInterval(() => s.write('\\Seen '), 20);
        s.on('close', () => clearInterval(timer));
      });
      const run = await expectFailure(['read', '1', '--timeout', '1'], trickle, 'ERR_TIMEOUT');
      expect(jsonError(run).message).toContain('UID FETCH 1 timed out after 1 s');
    },
  );

  it('a BODYSTRUCTURE nested 100,000 deep is refused, not recursed into', T, async () => {
    const port = await onFetch((tag, s) =>
      s.write(
        `* 1 FETCH (UID 1 BODYSTRUCTURE ${'('.repeat(100_000)}${')'.repeat(100_000)})\r\n${tag} OK\r\n`,
      ),
    );
    // imapflow stops parsing at 25 levels and drops the response it cannot read; the session
    // (client.ts) fails the command with the broken server named, rather than a missing message.
    await expectFailure(['list'], port, 'ERR_SERVER');
    await expectFailure(['read', '1'], port, 'ERR_SERVER');
  });

  it('a flood of untagged EXISTS and FETCH lines is not collected', T, async () => {
    const port = await onFetch((_, s) => {
      // Every line a new UID, none of them asked for: a client that kept them would grow by
      // an envelope (and its 8 kB subject) per line.
      const head = `Subject: ${'spam '.repeat(1600)}\r\n\r\n`;
      let uid = 1;
      const lines = () => {
        let text = '';
        for (const end = uid + 1000; uid < end; )
          text += `* ${++uid} EXISTS\r\n* ${uid} FETCH (UID ${uid} FLAGS () BODY[HEADER.FIELDS (SUBJECT)] {${head.length}}\r\n${head})\r\n`;
        return Buffer.from(text);
      };
      void flood(s, lines, 4096 * MiB);
    });
    await expectFailure(['list', '--timeout', '10'], port, 'ERR_TIMEOUT');
    // imapflow's fetchOne collects every FETCH: its deadline or the growth bound ends it,
    // whichever comes first on this machine.
    await expectFailure(['read', '1', '--timeout', '5'], port, ['ERR_TIMEOUT', 'ERR_TOO_LARGE']);
  });

  it(
    'a SEARCH answer that never ends: one endless line, or endless lines of new UIDs',
    T,
    async () => {
      const onSearch = (answer: (socket: TLSSocket) => void) =>
        startImap(peers, ({ verb }, socket) => {
          if (verb !== 'UID SEARCH') return false;
          answer(socket);
          return true;
        });
      // One line: the listing session's 4 MiB line bound (each `1 ` would become an object).
      const line = await onSearch((s) => {
        s.write('* SEARCH');
        void flood(s, Buffer.from(' 1'.repeat(32 * 1024)), 2048 * MiB);
      });
      // `list --unseen` searches (a plain `list` needs no SEARCH).
      await expectFailure(['list', '--unseen', '--timeout', '30'], line, 'ERR_TOO_LARGE');
      // Many lines, each small, every UID new: a client that kept them all would grow without
      // end (imapflow keeps up to 2^24 of them); the listing session's growth bound stops it.
      let uid = 0;
      const lines = () => {
        const uids = Array.from({ length: 8192 }, () => ++uid);
        return Buffer.from(`* SEARCH ${uids.join(' ')}\r\n`);
      };
      const many = await onSearch((s) => void flood(s, lines, 4096 * MiB));
      await expectFailure(['list', '--unseen', '--timeout', '30'], many, 'ERR_TOO_LARGE');
    },
  );

  it('a close in the middle of a literal is ERR_CONNECTION_LOST', T, async () => {
    const port = await onFetch((_, s) => s.end('* 1 FETCH (UID 1 BODY[] {1000}\r\nFrom: a@b\r\n'));
    await expectFailure(['read', '1'], port, 'ERR_CONNECTION_LOST');
    await expectFailure(['list'], port, 'ERR_CONNECTION_LOST');
  });
});

/**
 * A FETCH response carrying `message` as the section asked for: BODY[] (for read), or
 * BODY[HEADER.FIELDS (...)] (for list), as a server names the section it answers.
 */
function serveMessage(message: string, tag: string, socket: TLSSocket, line = ''): void {
  const body = Buffer.from(message, 'latin1');
  const section = /BODY(?:\.PEEK)?(\[HEADER\.FIELDS \([^)]*\)\])/i.exec(line)?.[1] ?? '[]';
  socket.write(
    `* 1 FETCH (UID 1 FLAGS () RFC822.SIZE ${body.length} BODY${section} {${body.length}}\r\n`,
  );
  socket.write(body);
  socket.write(`)\r\n${tag} OK done\r\n`);
}

describe('hostile messages', () => {
  it(
    'invalid UTF-8 and encoded-word tricks decode to text without control characters',
    T,
    async () => {
      const message = [
        'From: =?utf-8?q?Mallory=1B[2J=1B]0;pwned=07?= <mallory@hostile.test>',
        'Subject: =?utf-8?b?8J+YgA==?= \xff\xfe bad =?x-unknown?q?=41?= =?utf-8?q?=0D=0AX-Injected:_1?=',
        'Message-ID: <m1@hostile.test>',
        '',
        'hi',
        '',
      ].join('\r\n');
      const port = await onFetch((tag, s, line) => serveMessage(message, tag, s, line));
      const config = writeConfig(peers, port);
      for (const command of [['read', '1'], ['list']]) {
        const run = await runWatched([...command, '--json', '--config', config], peers);
        expect({ command, code: run.code, stderr: run.stderr }).toEqual({
          command,
          code: 0,
          stderr: '',
        });
        // No C0/C1 control character (ESC, BEL, CR, LF) survives into what is printed.
        const out = JSON.parse(run.stdout) as {
          subject?: string;
          messages?: { subject: string }[];
        };
        const subject = out.subject ?? out.messages?.[0]?.subject ?? '';
        expect(subject).toContain('😀');
        expect(controlIndex(subject)).toBe(-1);
        expect(run.stdout).not.toMatch(/\\u001b|\\r|\\u0007/);
      }
    },
  );

  it('a CR LF smuggled into a display name does not become a header of the reply', T, async () => {
    const message = [
      'From: =?utf-8?q?Eve=0D=0ABcc:_carol@hostile.test?= <eve@hostile.test>',
      'Reply-To: "carol@hostile.test, Eve" <eve@hostile.test>',
      'Subject: =?utf-8?q?hi=0D=0ABcc:_carol@hostile.test?=',
      'Message-ID: <m1@hostile.test>',
      'References: <x@y>\r\n\t<a@b>\r\n\tBcc: carol@hostile.test',
      '',
      'hello',
      '',
    ].join('\r\n');
    const imap = await onFetch((tag, s, line) => serveMessage(message, tag, s, line));
    const seen: SmtpCommand[] = [];
    const smtp = await startSmtp(peers, (command) => {
      seen.push(command);
      return false;
    });
    const config = writeConfig(peers, imap, smtp);
    const run = await runWatched(
      ['reply', '1', '--body', 'ok', '--json', '--config', config],
      peers,
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    // The envelope: Eve only (the Reply-To's quoted comma did not split off a second address).
    const recipients = seen.filter((c) => c.verb === 'RCPT').map((c) => c.line);
    expect(recipients).toEqual(['RCPT TO:<eve@hostile.test>']);
    // The headers: no Bcc line, and To, Subject and References are one header each.
    const data = seen.find((c) => c.verb === '.')?.data ?? '';
    const head = data.slice(0, data.indexOf('\r\n\r\n')).split(/\r\n(?![ \t])/);
    expect(head.filter((h) => /^bcc:/i.test(h))).toEqual([]);
    expect(head.filter((h) => /^to:/i.test(h))).toHaveLength(1);
    expect(head.find((h) => /^references:/i.test(h))).not.toMatch(/bcc/i);
  });
});

describe("messages past the parser's limits", () => {
  it(
    'more than 1,000 MIME parts, or a 1 MiB header block, is ERR_MESSAGE_TOO_LARGE',
    T,
    async () => {
      const parts = Array.from({ length: 1200 }, (_, i) => `--b\r\n\r\npart ${i}\r\n`).join('');
      const many = `Content-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`;
      const big = `Subject: big\r\nX-Big: ${'a'.repeat(1100 * 1024)}\r\n\r\nbody\r\n`;
      for (const message of [many, big]) {
        const port = await onFetch((tag, s, line) => serveMessage(message, tag, s, line));
        const run = await expectFailure(['read', '1'], port, 'ERR_MESSAGE_TOO_LARGE');
        expect(jsonError(run).message).toMatch(/1000 MIME parts|1 MiB/);
      }
    },
  );
});

describe('hostile SMTP server', () => {
  const sendArgs = ['send', '--to', 'bob@hostile.test', '-s', 'hi', '--body', 'hello'];

  it("a multi-line reply that never ends stops at nodemailer's 1 MiB reply bound", T, async () => {
    const imap = await startImap(peers, () => false);
    const smtp = await startSmtp(peers, ({ verb }, socket) => {
      if (verb !== 'EHLO') return false;
      void flood(socket, Buffer.from('250-hostile.test says more\r\n'.repeat(2048)), 2048 * MiB);
      return true;
    });
    await expectFailure([...sendArgs, '--timeout', '30'], imap, 'ERR_TOO_LARGE', smtp);
  });

  it('a 5xx after DATA is ERR_SEND_REJECTED, and no copy goes to Sent', T, async () => {
    const appends: string[] = [];
    const imap = await startImap(peers, ({ verb, line }) => {
      if (verb === 'APPEND') appends.push(line);
      return false;
    });
    const smtp = await startSmtp(peers, ({ verb }, socket) => {
      if (verb !== '.') return false;
      socket.write('554 5.7.1 message refused as spam\r\n');
      return true;
    });
    await expectFailure(sendArgs, imap, 'ERR_SEND_REJECTED', smtp);
    expect(appends).toEqual([]);
  });
});
