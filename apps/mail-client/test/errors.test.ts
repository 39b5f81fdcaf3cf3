/** Failures end-to-end: the real CLI as a child process for exit codes, plus trace masking and UIDVALIDITY. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { connect } from '../src/client.ts';
import { loadConfig, selectAccount } from '../src/config.ts';
import type { Listing } from '../src/listing.ts';
import type { ReadMessage } from '../src/message.ts';
import { createSmtp } from '../src/smtp.ts';
import { runMail } from '../src/spawn-cli.ts';
import { stackConfig } from '../src/stack.ts';
import { mail, mailJson, useStack } from './helpers.ts';

const stack = useStack();
const T = { timeout: 90_000 };

/** Writes a variant of the stack's config and returns its path. */
async function configVariant(edit: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mail-cfg-'));
  const path = join(dir, 'config.toml');
  await writeFile(path, edit(stack().configText));
  return path;
}

describe('clear one-line errors with exit code 1 (real CLI, child processes)', () => {
  it(
    'wrong password, refused TLS verification, unknown folder, unknown UID, usage',
    T,
    async () => {
      const wrongPassword = await configVariant((t) =>
        t.replace(
          /password_cmd = "cat '[^']*alice.password'"/,
          'password_cmd = "echo not-the-password"',
        ),
      );
      const noCa = await configVariant((t) => t.replace(/^ca = .*$/gm, ''));
      const noCaStarttls = await configVariant(() =>
        stackConfig(stack(), 'starttls').replace(/^ca = .*$/gm, ''),
      );
      const good = stack().configPath;
      const cases: [string[], number, string][] = [
        [['list', '--config', wrongPassword], 1, 'ERR_AUTH_FAILED'],
        [['list', '--config', noCa], 1, 'ERR_TLS_VERIFY'],
        [['list', '--config', noCaStarttls], 1, 'ERR_TLS_VERIFY'],
        [['list', '--config', good, '--folder', 'No/Such'], 1, 'ERR_UNKNOWN_FOLDER'],
        [['read', '4000000', '--config', good], 1, 'ERR_UNKNOWN_UID'],
        [['list', '--config', join(tmpdir(), 'missing', 'config.toml')], 1, 'ERR_CONFIG'],
        [['list', '--bogus', '--config', good], 2, 'ERR_USAGE'],
      ];
      // Generous limits: eight CLIs start at once on a machine other test suites share.
      const results = await Promise.all(
        cases.map(([args]) => runMail(args, { timeoutMs: 170_000 })),
      );
      for (const [i, [args, code, errorCode]] of cases.entries()) {
        const result = results[i]!;
        expect({ args, code: result.code }).toEqual({ args, code });
        expect(result.stdout).toBe('');
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^mail: ${errorCode} `));
      }
      // The refused-certificate message says what to do.
      expect(results[1]!.stderr).toContain('--ca');
    },
  );

  it('--ca FILE makes a config without ca work', T, async () => {
    const noCa = await configVariant((t) => t.replace(/^ca = .*$/gm, ''));
    const result = await mail(stack(), [
      'folders',
      '--config',
      noCa,
      '--ca',
      stack().dovecot.caPath,
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { path: string }[]).map((f) => f.path)).toContain('Trash');
  });
});

describe('bad peers', () => {
  it(
    'garbage greeting, plain text on an implicit-TLS account, abrupt close, refused port',
    T,
    async () => {
      const garbage = createServer((socket) => {
        socket.on('error', () => {});
        socket.write('220 this is not IMAP\r\n');
        socket.on('data', () => socket.write('garbage\r\n'));
      });
      const slam = createServer((socket) => socket.destroy());
      const listen = (server: Server) =>
        new Promise<number>((resolve) =>
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
        );
      const [garbagePort, slamPort] = [await listen(garbage), await listen(slam)];
      const config = async (port: number, tls: string) =>
        configVariant(
          () =>
            `[accounts.x]\nemail = "x@netlab.test"\npassword_cmd = "echo pw"\nimap = { host = "127.0.0.1:${port}", tls = "${tls}" }\nsmtp = { host = "127.0.0.1:1" }\n`,
        );
      try {
        const cases: [string, string][] = [
          [await config(garbagePort, 'starttls'), 'ERR_CONNECT'],
          [await config(garbagePort, 'implicit'), 'ERR_TLS'],
          [await config(slamPort, 'starttls'), 'ERR_CONNECTION_LOST'],
          [await config(1, 'starttls'), 'ERR_CONNECT'],
        ];
        const results = await Promise.all(
          cases.map(([path]) => mail(stack(), ['list', '--config', path])),
        );
        expect(results.map((r) => [r.code, r.error?.code])).toEqual(
          cases.map(([, code]) => [1, code]),
        );
      } finally {
        garbage.close();
        slam.close();
      }
    },
  );
});

describe('--trace', () => {
  it('prints the IMAP and SMTP conversation with credentials masked', T, async () => {
    const result = await mail(stack(), [
      'send',
      '-a',
      'alice',
      '--to',
      'bob@netlab.test',
      '--subject',
      'traced',
      '--body',
      'x',
      '--trace',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^IMAP C: \d+ AUTHENTICATE PLAIN/m);
    expect(result.stderr).toMatch(/^SMTP C: AUTH PLAIN \*\*\*\*/m);
    expect(result.stderr).toMatch(/^SMTP S: 250 /m);
    expect(result.stderr).toMatch(/^IMAP C: \d+ APPEND Sent/m);
    const { password, email } = stack().users[0]!;
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const secret of [
      password,
      b64(password),
      b64(`\0${email}\0${password}`),
      b64(`${email}\0${email}\0${password}`),
    ]) {
      expect(result.stderr).not.toContain(secret);
    }
  });
});

describe('delete without a Trash folder', () => {
  it('says how to proceed and leaves the message where it was', T, async () => {
    await mailJson(stack(), [
      'send',
      '-a',
      'alice',
      '--to',
      'bob@netlab.test',
      '--subject',
      'keep me',
      '--body',
      'x',
    ]);
    const uid = (await mailJson<Listing>(stack(), ['search', '-a', 'bob', '--subject', 'keep me']))
      .messages[0]!.uid;
    const noTrash = await configVariant((t) =>
      t.replace('[accounts.bob]', '[accounts.bob]\ntrash_folder = "Bin"'),
    );
    const result = await mail(stack(), ['delete', String(uid), '-a', 'bob', '--config', noTrash]);
    expect(result.error?.code).toBe('ERR_UNKNOWN_FOLDER');
    expect(result.error?.message).toContain('--expunge');
    expect(
      (await mailJson<Listing>(stack(), ['list', '-a', 'bob'])).messages.map((m) => m.uid),
    ).toContain(uid);
  });
});

describe('UIDVALIDITY', () => {
  it(
    'refuses a UID once the folder was recreated (UIDVALIDITY changed), and an explicit mismatch',
    T,
    async () => {
      const account = selectAccount(loadConfig(stack().configPath), 'bob');
      const session = await connect({ account });
      const raw = (s: string) => Buffer.from(`From: a@x.test\r\nSubject: ${s}\r\n\r\nbody\r\n`);
      try {
        await session.imap.mailboxCreate('Projects');
        await session.imap.append('Projects', raw('old'));
        const listing = await mailJson<Listing>(stack(), [
          'list',
          '-a',
          'bob',
          '--folder',
          'Projects',
        ]);
        const uid = listing.messages[0]!.uid;
        expect(
          (
            await mail(stack(), [
              'read',
              String(uid),
              '-a',
              'bob',
              '--folder',
              'Projects',
              '--uidvalidity',
              '1',
            ])
          ).error?.code,
        ).toBe('ERR_UIDVALIDITY_CHANGED');
        await session.imap.mailboxDelete('Projects');
        await session.imap.mailboxCreate('Projects');
        await session.imap.append('Projects', raw('new'));
        const stale = await mail(stack(), [
          'read',
          String(uid),
          '-a',
          'bob',
          '--folder',
          'Projects',
        ]);
        expect(stale.error?.code).toBe('ERR_UIDVALIDITY_CHANGED');
        // Listing again records the new UIDVALIDITY, and the UID works again.
        const fresh = await mailJson<Listing>(stack(), [
          'list',
          '-a',
          'bob',
          '--folder',
          'Projects',
        ]);
        expect(fresh.uidValidity).not.toBe(listing.uidValidity);
        const read = await mailJson<ReadMessage>(stack(), [
          'read',
          String(fresh.messages[0]!.uid),
          '-a',
          'bob',
          '--folder',
          'Projects',
        ]);
        expect(read.subject).toBe('new');
      } finally {
        await session.close();
      }
    },
  );
});

describe('read', () => {
  it('renders HTML to text when there is no text part', T, async () => {
    const account = selectAccount(loadConfig(stack().configPath), 'alice');
    const session = await connect({ account });
    const html =
      '<html><body><h1>Weekly news</h1><p>Read <a href="https://example.test/a">the story</a> &amp; more.</p><ul><li>one</li><li>two</li></ul></body></html>';
    try {
      await session.imap.append(
        'INBOX',
        Buffer.from(
          `From: News <news@x.test>\r\nSubject: html only\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`,
        ),
      );
    } finally {
      await session.close();
    }
    const listing = await mailJson<Listing>(stack(), [
      'search',
      '-a',
      'alice',
      '--subject',
      'html only',
    ]);
    const message = await mailJson<ReadMessage>(stack(), [
      'read',
      String(listing.messages[0]!.uid),
      '-a',
      'alice',
    ]);
    expect(message.renderedFromHtml).toBe(true);
    expect(message.text).toContain('WEEKLY NEWS');
    expect(message.text).toContain('Read the story [https://example.test/a] & more.');
    expect(message.text).toMatch(/\* one\n \* two/);
  });
});

describe('XOAUTH2', () => {
  it(
    'lists, reads folders and sends with the token against Dovecot; a wrong token is refused',
    T,
    async () => {
      const alice = stack().users[0]!;
      const withToken = (token: string) =>
        configVariant((t) =>
          t.replace(
            /password_cmd = "cat '[^']*alice.password'"/,
            `auth = "xoauth2"\ntoken_cmd = "echo ${token}"`,
          ),
        );
      const good = await withToken(alice.token);
      // list and folders use imapflow (AUTHENTICATE XOAUTH2), send nodemailer
      // through Dovecot's submission service: all three log in with the token alone.
      const sent = await mail(stack(), [
        'send',
        '--config',
        good,
        '--to',
        alice.email,
        '--subject',
        'oauth check',
        '--body',
        'hi',
      ]);
      expect(sent.code).toBe(0);
      // Sending returns once LMTP delivered, so the message is there at once.
      const found = await mailJson<Listing>(stack(), [
        'search',
        '--config',
        good,
        '--subject',
        'oauth check',
      ]);
      expect(found.messages.map((m) => m.subject)).toEqual(['oauth check']);
      const folders = await mail(stack(), ['folders', '--config', good, '--json']);
      expect(folders.code).toBe(0);
      const wrong = await mail(stack(), ['list', '--config', await withToken('not-the-token')]);
      expect(wrong.error?.code).toBe('ERR_AUTH_FAILED');
      // Dovecot keeps the two apart: the password is no token.
      const password = await mail(stack(), [
        'folders',
        '--config',
        await withToken(alice.password),
      ]);
      expect(password.error?.code).toBe('ERR_AUTH_FAILED');
    },
  );

  it(
    'sends the token from token_cmd with SMTP AUTH XOAUTH2 (smtp-server as the peer)',
    T,
    async () => {
      const tls = dirname(stack().dovecot.caPath);
      const seen: { method: string; user: string | undefined; token: string | undefined }[] = [];
      const server = new SMTPServer({
        secure: true,
        key: await readFile(join(tls, 'server.key')),
        cert: await readFile(join(tls, 'server.pem')),
        authMethods: ['XOAUTH2'],
        logger: false,
        onAuth(auth, _session, callback) {
          seen.push({ method: auth.method, user: auth.username, token: auth.accessToken });
          if (auth.accessToken === 'tok-123') return callback(null, { user: auth.username });
          callback(null, { data: { status: '401' } });
        },
        onData(stream, _session, callback) {
          stream.resume();
          stream.on('end', () => callback());
        },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.server.address() as { port: number }).port;
      try {
        const account = selectAccount(
          loadConfig(
            await configVariant(() =>
              [
                '[accounts.oauth]',
                'email = "ann@netlab.test"',
                'auth = "xoauth2"',
                'token_cmd = "echo tok-123"',
                `ca = "${stack().dovecot.caPath}"`,
                'imap = { host = "127.0.0.1:1" }',
                `smtp = { host = "127.0.0.1:${port}", tls = "implicit" }`,
              ].join('\n'),
            ),
          ),
        );
        const transport = createSmtp(account, { user: account.user, accessToken: 'tok-123' }, {});
        const info = await transport.sendMail({
          envelope: { from: account.email, to: ['x@netlab.test'] },
          raw: 'Subject: t\r\n\r\nx\r\n',
        });
        transport.close();
        expect(info.accepted).toEqual(['x@netlab.test']);
        expect(seen).toEqual([{ method: 'XOAUTH2', user: 'ann@netlab.test', token: 'tok-123' }]);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );
});

describe('listing', () => {
  it(
    'lists a non-ASCII folder and searches non-ASCII text (modified UTF-7, CHARSET UTF-8)',
    T,
    async () => {
      const account = selectAccount(loadConfig(stack().configPath), 'bob');
      const session = await connect({ account });
      const raw = (s: string) =>
        Buffer.from(
          `From: =?UTF-8?Q?J=C3=BCrgen?= <j@x.test>\r\nSubject: ${s}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGrüße aus Köln\r\n`,
        );
      try {
        await session.imap.mailboxCreate('Entwürfe');
        await session.imap.append('Entwürfe', raw('=?UTF-8?Q?K=C3=B6ln?= plan'));
        await session.imap.append('Entwürfe', raw('other'));
        const listing = await mailJson<Listing>(stack(), ['list', '-a', 'bob', '-f', 'Entwürfe']);
        expect(listing.messages.map((m) => [m.subject, m.from[0]?.name])).toEqual([
          ['other', 'Jürgen'],
          ['Köln plan', 'Jürgen'],
        ]);
        const search = async (...args: string[]) =>
          (
            await mailJson<Listing>(stack(), ['search', '-a', 'bob', '-f', 'Entwürfe', ...args])
          ).messages.map((m) => m.subject);
        expect(await search('--subject', 'Köln')).toEqual(['Köln plan']);
        expect(await search('--body', 'Grüße')).toEqual(['other', 'Köln plan']);
        expect(await search('--from', 'j@x.test', '--subject', 'other')).toEqual(['other']);
      } finally {
        await session.imap.mailboxDelete('Entwürfe').catch(() => {});
        await session.close();
      }
    },
  );

  it(
    '--trace shows EXAMINE and BODY.PEEK, never the password, and \\Seen stays unset',
    T,
    async () => {
      await mailJson(stack(), [
        'send',
        '-a',
        'alice',
        '--to',
        'bob@netlab.test',
        '--subject',
        'traced list',
        '--body',
        'x',
      ]);
      const result = await mail(stack(), [
        'list',
        '-a',
        'bob',
        '--trace',
        '--json',
        '--limit',
        '3',
      ]);
      expect(result.code).toBe(0);
      // imapflow sends the SASL PLAIN response after the server's `+`, password hidden.
      expect(result.stderr).toMatch(/^IMAP C: \S+ AUTHENTICATE PLAIN$/m);
      expect(result.stderr).toMatch(/^IMAP C: \S+ EXAMINE "?INBOX"?$/m);
      expect(result.stderr).toMatch(
        /^IMAP C: \S+ FETCH \d+:\d+ \(UID FLAGS RFC822.SIZE (MODSEQ )?BODY\.PEEK\[/m,
      );
      expect(result.stderr).toMatch(/^IMAP S: \* \d+ FETCH \(UID \d+ /m);
      // No SELECT or STORE command (CONDSTORE in ENABLE is an extension's name), no BODY[].
      expect(result.stderr).not.toMatch(/^IMAP C: \S+ (UID )?(SELECT|STORE) |^IMAP C: .*BODY\[/m);
      const bob = stack().users.find((u) => u.name === 'bob')!;
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      for (const secret of [
        bob.password,
        b64(bob.password),
        b64(`\0${bob.email}\0${bob.password}`),
      ])
        expect(result.stderr).not.toContain(secret);
      const listing = JSON.parse(result.stdout) as Listing;
      const traced = listing.messages.find((m) => m.subject === 'traced list');
      expect(traced?.seen).toBe(false);
      const again = await mailJson<Listing>(stack(), ['list', '-a', 'bob', '--limit', '3']);
      expect(again.messages.find((m) => m.subject === 'traced list')?.flags).not.toContain(
        '\\Seen',
      );
    },
  );
});

describe('typed paths start where the user ran the command (INIT_CWD), errors show them in full', () => {
  it('--config, --body-file, --attach and --dir relative to INIT_CWD', T, async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mail-cwd-'));
    await writeFile(join(cwd, 'config.toml'), stack().configText);
    await writeFile(join(cwd, 'notes.txt'), 'a relative attachment\n');
    await writeFile(join(cwd, 'body.txt'), 'a body from a relative file\n');
    // Under `pnpm --filter mail-client mail`, the CLI runs in the app's folder and the user's
    // folder arrives as INIT_CWD; the child's own cwd here is the app folder too.
    const env = { ...process.env, INIT_CWD: cwd };
    const config = ['--config', 'config.toml'];
    const subject = `relative paths ${Date.now()}`;
    const sent = await runMail(
      [
        ...['send', '-a', 'alice', '--to', 'bob@netlab.test', '-s', subject],
        ...['--body-file', 'body.txt', '--attach', 'notes.txt', ...config],
      ],
      { env },
    );
    expect({ code: sent.code, stderr: sent.stderr }).toEqual({ code: 0, stderr: '' });
    const found = await mailJson<Listing>(stack(), ['search', '-a', 'bob', '--subject', subject]);
    const uid = String(found.messages[0]!.uid);
    const read = await mailJson<ReadMessage>(stack(), ['read', uid, '-a', 'bob']);
    expect(read.text.trim()).toBe('a body from a relative file');
    const saved = await runMail(['attachments', uid, '-a', 'bob', '--dir', 'saved', ...config], {
      env,
    });
    expect(saved.code).toBe(0);
    expect(await readFile(join(cwd, 'saved', 'notes.txt'), 'utf8')).toBe('a relative attachment\n');

    const missingAttachment = await runMail(
      [
        ...['send', '-a', 'alice', '--to', 'bob@netlab.test', '-s', 'x', '--body', 'y'],
        ...['--attach', 'missing.txt', ...config],
      ],
      { env },
    );
    expect(missingAttachment.code).toBe(1);
    expect(missingAttachment.stderr).toMatch(/^mail: ERR_FILE /);
    expect(missingAttachment.stderr).toContain(join(cwd, 'missing.txt'));
    const missingConfig = await runMail(['list', '--config', 'nope.toml'], { env });
    expect(missingConfig.stderr).toMatch(/^mail: ERR_CONFIG /);
    expect(missingConfig.stderr).toContain(join(cwd, 'nope.toml'));
    const missingCa = await runMail(['folders', '--ca', 'ca.pem', ...config], { env });
    expect(missingCa.stderr).toMatch(/^mail: ERR_FILE /);
    expect(missingCa.stderr).toContain(join(cwd, 'ca.pem'));
  });
});
