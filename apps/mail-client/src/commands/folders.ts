/** mail folders: every folder with its special use, message and unseen counts (LIST + STATUS). */
import type { Command } from '../command.ts';

export interface FolderInfo {
  path: string;
  specialUse: string | null;
  messages: number;
  unseen: number;
  uidValidity: string;
}

export const folders: Command = {
  name: 'folders',
  summary: 'List folders with their special use (\\Sent, \\Trash, ...), message and unseen counts.',
  usage: 'folders',
  details: [],
  example: '-- folders --json',
  options: {},
  async run({ session, out }) {
    // LIST-STATUS (RFC 5819) when the server has it, one STATUS per folder otherwise.
    const listed = await session.call('LIST and STATUS', () =>
      session.imap.list({ statusQuery: { messages: true, unseen: true, uidValidity: true } }),
    );
    const entries: FolderInfo[] = listed.map((f) => ({
      path: f.path,
      specialUse: f.specialUse ?? null,
      messages: f.status?.messages ?? 0,
      unseen: f.status?.unseen ?? 0,
      uidValidity: String(f.status?.uidValidity ?? ''),
    }));
    entries.sort((a, b) =>
      a.path === 'INBOX' ? -1 : b.path === 'INBOX' ? 1 : a.path.localeCompare(b.path),
    );
    out.result(entries, () => {
      const width = Math.max(6, ...entries.map((f) => f.path.length));
      return entries
        .map((f) =>
          `${f.path.padEnd(width)}  ${String(f.messages).padStart(6)} messages  ${String(f.unseen).padStart(5)} unseen  ${f.specialUse ?? ''}`.trimEnd(),
        )
        .join('\n');
    });
    return 0;
  },
};
