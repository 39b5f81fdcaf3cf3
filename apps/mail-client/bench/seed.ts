/** Seeds a folder with N realistic messages over APPEND, on a few connections at once. */
import { createProgress } from '@netlab/cli';
import type { MailSession } from '../src/client.ts';

const NAMES = ['Zoë Åberg', 'Bob Crémieux', 'Chidi Okafor', '山田 太郎', 'Ana Lúcia'];

/** One message: encoded-word names and subjects for some, plain ASCII for others, ~1.5 KB. */
export function seedMessage(i: number): Buffer {
  const name = NAMES[i % NAMES.length]!;
  const encodedName = /^[\x20-\x7e]*$/.test(name)
    ? name
    : `=?UTF-8?B?${Buffer.from(name).toString('base64')}?=`;
  const subject = i % 3 === 0 ? `=?UTF-8?Q?R=C3=A9union_n=C2=B0${i}?=` : `Weekly report ${i}`;
  const date = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toUTCString().replace('GMT', '+0000');
  return Buffer.from(
    [
      `Date: ${date}`,
      `From: ${encodedName} <sender${i % 50}@netlab.test>`,
      'To: bob@netlab.test',
      ...(i % 4 === 0 ? ['Cc: team@netlab.test, "Ops, Night" <ops@netlab.test>'] : []),
      `Subject: ${subject}`,
      `Message-ID: <seed-${i}@netlab.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20)}\r\nmessage ${i}`,
      '',
    ].join('\r\n'),
  );
}

/** APPENDs `count` messages to `folder` (created if missing), spread over the given sessions. */
export async function seedFolder(
  sessions: MailSession[],
  folder: string,
  count: number,
): Promise<void> {
  await sessions[0]!.imap.mailboxCreate(folder).catch(() => {});
  const progress = createProgress({ label: `seed ${folder}`, total: count });
  let next = 0;
  await Promise.all(
    sessions.map(async (session) => {
      for (let i = next++; i < count; i = next++) {
        await session.imap.append(folder, seedMessage(i), ['\\Seen']);
        progress.tick();
      }
    }),
  );
  progress.done();
}
