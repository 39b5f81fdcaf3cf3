/** list/read/search/flag/move/delete, attachments, non-ASCII, reply/forward, against real Dovecot. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Listing } from '../src/listing.ts';
import type { ReadMessage } from '../src/message.ts';
import type { SendResult } from '../src/outgoing.ts';
import { runMail } from '../src/spawn-cli.ts';
import { mail, mailJson, useStack } from './helpers.ts';

const stack = useStack();
const T = { timeout: 60_000 };

async function inbox(account: string, folder = 'INBOX'): Promise<Listing> {
  return mailJson<Listing>(stack(), ['list', '-a', account, '--folder', folder, '--limit', '100']);
}

/** Sending returns once LMTP delivered (submission -> relay -> LMTP is synchronous), so one look suffices. */
async function uidOf(account: string, subject: string, folder = 'INBOX'): Promise<number> {
  const found = (await inbox(account, folder)).messages.find((m) => m.subject === subject);
  if (!found) throw new Error(`'${subject}' not in ${account}'s ${folder}`);
  return found.uid;
}

describe('send, list, read, attachments', () => {
  const subject = 'Über café ✓ — 日本語 テスト';
  const body = 'Grüße aus Köln!\nZeile zwei: ½ ∑ 😀\n';
  let uid = 0;
  let files: { name: string; bytes: Buffer }[] = [];

  it('sends with attachments; the copy lands in Sent', T, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mail-attach-'));
    files = [
      { name: 'random.bin', bytes: randomBytes(200_000) },
      { name: 'résumé ✓.txt', bytes: Buffer.from('line 1\r\nline 2 without newline at end') },
      { name: 'empty.dat', bytes: Buffer.alloc(0) },
    ];
    for (const f of files) await writeFile(join(dir, f.name), f.bytes);
    const sent = await mailJson<SendResult>(stack(), [
      'send',
      '-a',
      'bob',
      '--to',
      'alice@netlab.test',
      '--subject',
      subject,
      '--body',
      body,
      ...files.flatMap((f) => ['--attach', join(dir, f.name)]),
    ]);
    expect(sent.accepted).toEqual(['alice@netlab.test']);
    expect(sent.sentFolder).toBe('Sent');
    const sentCopy = (await inbox('bob', 'Sent')).messages.find(
      (m) => m.messageId === sent.messageId,
    );
    expect(sentCopy?.seen).toBe(true);
    uid = await uidOf('alice', subject);
  });

  it('lists envelopes with non-ASCII subject and name, and list never sets \\Seen', T, async () => {
    for (let i = 0; i < 2; i++) {
      const m = (await inbox('alice')).messages.find((e) => e.uid === uid)!;
      expect(m.subject).toBe(subject);
      expect(m.from).toEqual([{ name: 'Bob Crémieux', address: 'bob@netlab.test' }]);
      expect(m.seen).toBe(false);
      expect(m.flags).not.toContain('\\Seen');
    }
    const unseen = await mailJson<Listing>(stack(), ['list', '-a', 'alice', '--unseen']);
    expect(unseen.messages.map((m) => m.uid)).toContain(uid);
  });

  it('reads the text part and the attachment list, and marks the message \\Seen', T, async () => {
    const message = await mailJson<ReadMessage>(stack(), ['read', String(uid), '-a', 'alice']);
    expect(message.text).toBe(body);
    expect(message.subject).toBe(subject);
    expect(message.attachments.map((a) => [a.filename, a.size])).toEqual(
      files.map((f) => [f.name, f.bytes.length]),
    );
    expect((await inbox('alice')).messages.find((m) => m.uid === uid)?.seen).toBe(true);
  });

  it('saves attachments byte-exact and never overwrites', T, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mail-save-'));
    const saved = await mailJson<{ filename: string; path: string }[]>(stack(), [
      'attachments',
      String(uid),
      '-a',
      'alice',
      '--dir',
      dir,
    ]);
    expect(saved.map((s) => s.filename)).toEqual(files.map((f) => f.name));
    for (const [i, f] of files.entries())
      expect((await readFile(saved[i]!.path)).equals(f.bytes)).toBe(true);
    const again = await mail(stack(), ['attachments', String(uid), '-a', 'alice', '--dir', dir]);
    expect(again.error?.code).toBe('ERR_FILE');
  });
});

describe('message bodies from a file and from stdin', () => {
  it('send --body-file, and send with the body piped into the real CLI', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mail-body-'));
    await writeFile(join(dir, 'body.txt'), 'from a file: naïve café\n');
    await mailJson(stack(), [
      'send',
      '-a',
      'bob',
      '--to',
      'alice@netlab.test',
      '--subject',
      'body file',
      '--body-file',
      join(dir, 'body.txt'),
    ]);
    const piped = await runMail(
      [
        'send',
        '--config',
        stack().configPath,
        '-a',
        'bob',
        '--to',
        'alice@netlab.test',
        '--subject',
        'body stdin',
      ],
      {
        input: 'from stdin: 水\nsecond line\n',
        timeoutMs: 110_000,
      },
    );
    expect(piped.code).toBe(0);
    const text = async (subject: string) =>
      (
        await mailJson<ReadMessage>(stack(), [
          'read',
          String(await uidOf('alice', subject)),
          '-a',
          'alice',
        ])
      ).text;
    expect(await text('body file')).toBe('from a file: naïve café\n');
    expect(await text('body stdin')).toBe('from stdin: 水\nsecond line\n');
    expect(
      (
        await mail(stack(), [
          'send',
          '-a',
          'bob',
          '--to',
          'a@b.test',
          '--subject',
          'x',
          '--body-file',
          join(dir, 'nope'),
        ])
      ).error?.code,
    ).toBe('ERR_FILE');
    expect(
      (
        await mail(stack(), [
          'send',
          '-a',
          'bob',
          '--to',
          'a@b.test',
          '--subject',
          'x',
          '--body',
          'b',
          '--attach',
          join(dir, 'nope'),
        ])
      ).error?.code,
    ).toBe('ERR_FILE');
  });
});

describe('search, flags, move, delete', () => {
  it('maps from/to/subject/body/since/before/unseen onto SEARCH', T, async () => {
    await mailJson(stack(), [
      'send',
      '-a',
      'alice',
      '--to',
      'bob@netlab.test',
      '--subject',
      'quarterly numbers',
      '--body',
      'the zebra figures',
    ]);
    await mailJson(stack(), [
      'send',
      '-a',
      'alice',
      '--to',
      'bob@netlab.test',
      '--subject',
      'lunch?',
      '--body',
      'noodles',
    ]);
    const search = async (...args: string[]) =>
      (await mailJson<Listing>(stack(), ['search', '-a', 'bob', ...args])).messages.map(
        (m) => m.subject,
      );
    expect(await search('--subject', 'quarterly')).toEqual(['quarterly numbers']);
    expect(await search('--body', 'zebra')).toEqual(['quarterly numbers']);
    expect(await search('--from', 'alice@netlab.test')).toEqual(['lunch?', 'quarterly numbers']);
    expect(await search('--to', 'bob@', '--body', 'noodles')).toEqual(['lunch?']);
    const today = new Date().toISOString().slice(0, 10);
    expect(await search('--since', today, '--unseen')).toHaveLength(2);
    expect(await search('--before', '2000-01-01')).toEqual([]);
    const search0 = await mail(stack(), ['search', '-a', 'bob']);
    expect(search0.code).toBe(2);
  });

  it('pages newest first', T, async () => {
    const page1 = await mailJson<Listing>(stack(), ['list', '-a', 'bob', '--limit', '1']);
    const page2 = await mailJson<Listing>(stack(), [
      'list',
      '-a',
      'bob',
      '--limit',
      '1',
      '--page',
      '2',
    ]);
    expect(page1.messages[0]!.subject).toBe('lunch?');
    expect(page2.messages[0]!.subject).toBe('quarterly numbers');
    expect(page1.pages).toBe(2);
  });

  it('flags and unflags', T, async () => {
    const uid = await uidOf('bob', 'lunch?');
    const flagged = await mailJson<{ flags: string[] }>(stack(), [
      'flag',
      String(uid),
      'flagged',
      '-a',
      'bob',
    ]);
    expect(flagged.flags).toContain('\\Flagged');
    const keyword = await mailJson<{ flags: string[] }>(stack(), [
      'flag',
      String(uid),
      '$Important',
      '-a',
      'bob',
    ]);
    expect(keyword.flags).toEqual(expect.arrayContaining(['\\Flagged', '$Important']));
    const unflagged = await mailJson<{ flags: string[] }>(stack(), [
      'unflag',
      String(uid),
      'flagged',
      '-a',
      'bob',
    ]);
    expect(unflagged.flags).not.toContain('\\Flagged');
    expect((await mail(stack(), ['flag', String(uid), 'bad flag', '-a', 'bob'])).code).toBe(2);
  });

  it('moves, deletes to Trash, expunges', T, async () => {
    const uid = await uidOf('bob', 'quarterly numbers');
    const moved = await mailJson<{ newUid: number }>(stack(), [
      'move',
      String(uid),
      'Junk',
      '-a',
      'bob',
    ]);
    expect((await inbox('bob')).messages.some((m) => m.uid === uid)).toBe(false);
    const junkUid = await uidOf('bob', 'quarterly numbers', 'Junk');
    expect(moved.newUid).toBe(junkUid);
    const trashed = await mailJson<{ newUid: number }>(stack(), [
      'delete',
      String(junkUid),
      '-a',
      'bob',
      '--folder',
      'Junk',
    ]);
    expect((await inbox('bob', 'Trash')).messages.map((m) => m.uid)).toContain(trashed.newUid);
    await mailJson(stack(), ['delete', String(trashed.newUid), '-a', 'bob', '--folder', 'Trash']);
    expect((await inbox('bob', 'Trash')).total).toBe(0);
    const lunch = await uidOf('bob', 'lunch?');
    await mailJson(stack(), ['delete', String(lunch), '-a', 'bob', '--expunge']);
    expect((await inbox('bob')).messages.some((m) => m.uid === lunch)).toBe(false);
    expect((await inbox('bob', 'Trash')).total).toBe(0);
  });
});

describe('reply and forward', () => {
  it(
    'reply --all: Re: once, In-Reply-To, References, quoting, \\Answered on the original',
    T,
    async () => {
      const first = await mailJson<SendResult>(stack(), [
        'send',
        '-a',
        'alice',
        '--to',
        'bob@netlab.test',
        '--cc',
        'alice@netlab.test',
        '--subject',
        'Ärger im Büro',
        '--body',
        'Was ist los?\nZweite Zeile',
      ]);
      const uid = await uidOf('bob', 'Ärger im Büro');
      const replied = await mailJson<SendResult>(stack(), [
        'reply',
        String(uid),
        '--all',
        '-a',
        'bob',
        '--body',
        'Alles gut.',
      ]);
      expect(replied.accepted).toEqual(['alice@netlab.test']);
      const replyUid = await uidOf('alice', 'Re: Ärger im Büro');
      const reply = await mailJson<ReadMessage>(stack(), ['read', String(replyUid), '-a', 'alice']);
      expect(reply.inReplyTo).toBe(first.messageId);
      expect(reply.references).toEqual([first.messageId]);
      expect(reply.to.map((a) => a.address)).toEqual(['alice@netlab.test']);
      expect(reply.text).toMatch(
        /^Alles gut\.\n\nOn .+, Alice Liddell <alice@netlab\.test> wrote:\n> Was ist los\?\n> Zweite Zeile\n$/,
      );
      const original = (await inbox('bob')).messages.find((m) => m.uid === uid)!;
      expect(original.flags).toContain('\\Answered');
      // a reply to the reply extends References and keeps one Re:
      await mailJson(stack(), ['reply', String(replyUid), '-a', 'alice', '--body', 'Gut.']);
      const again = await mailJson<ReadMessage>(stack(), [
        'read',
        String(await uidOf('bob', 'Re: Ärger im Büro')),
        '-a',
        'bob',
      ]);
      expect(again.references).toEqual([first.messageId, replied.messageId]);
      expect(again.inReplyTo).toBe(replied.messageId);
    },
  );

  it(
    'forward: Fwd:, References without In-Reply-To, original headers, attachments carried',
    T,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mail-fwd-'));
      const bytes = randomBytes(5000);
      await writeFile(join(dir, 'data.bin'), bytes);
      const first = await mailJson<SendResult>(stack(), [
        'send',
        '-a',
        'alice',
        '--to',
        'bob@netlab.test',
        '--subject',
        'report',
        '--body',
        'see attached',
        '--attach',
        join(dir, 'data.bin'),
      ]);
      const uid = await uidOf('bob', 'report');
      await mailJson(stack(), [
        'forward',
        String(uid),
        '--to',
        'alice@netlab.test',
        '-a',
        'bob',
        '--body',
        'FYI',
      ]);
      const fwdUid = await uidOf('alice', 'Fwd: report');
      const fwd = await mailJson<ReadMessage>(stack(), ['read', String(fwdUid), '-a', 'alice']);
      expect(fwd.inReplyTo).toBeNull();
      expect(fwd.references).toEqual([first.messageId]);
      expect(fwd.text).toContain(
        'FYI\n\n---------- Forwarded message ----------\nFrom: Alice Liddell <alice@netlab.test>\n',
      );
      expect(fwd.text).toContain('Subject: report\nTo: bob@netlab.test\n\nsee attached\n');
      const saveDir = await mkdtemp(join(tmpdir(), 'mail-fwd-save-'));
      const saved = await mailJson<{ path: string }[]>(stack(), [
        'attachments',
        String(fwdUid),
        '-a',
        'alice',
        '--dir',
        saveDir,
      ]);
      expect((await readFile(saved[0]!.path)).equals(bytes)).toBe(true);
    },
  );
});
