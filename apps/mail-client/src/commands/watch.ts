/** mail watch: print each new message once as it arrives (IDLE), reconnecting after drops. */
import { parseInteger } from '@netlab/cli';
import { type Command, optString } from '../command.ts';
import type { WatchEvent } from '../watcher.ts';

function describe(event: WatchEvent): string {
  switch (event.type) {
    case 'watching':
      return `watch: watching ${event.folder} (UIDVALIDITY ${event.uidValidity}, new mail above UID ${event.lastUid})`;
    case 'idle-restart':
      return 'watch: re-issuing IDLE';
    case 'reconnecting':
      return `watch: ${event.reason}; reconnecting in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt})`;
    case 'uidvalidity-changed':
      return `watch: UIDVALIDITY changed from ${event.from} to ${event.to}; starting over from the newest message`;
  }
}

export const watch: Command = {
  name: 'watch',
  summary:
    'Wait for new mail (IMAP IDLE) and print each new message once; reconnects with backoff.',
  usage: 'watch [--folder F] [--count N] [--for SECONDS]',
  details: [
    '  -f, --folder F      folder to watch (default INBOX)',
    '  -c, --count N       exit after N new messages',
    '      --for SECONDS   exit after this long (default: run until Ctrl-C)',
    '      --idle-restart SECONDS  re-issue IDLE this often (default 1500; RFC 2177 says < 29 min)',
    '  with --json: one JSON object per message per line; status lines go to stderr',
  ],
  example: '-- watch --folder INBOX --json',
  options: {
    folder: { type: 'string', short: 'f' },
    count: { type: 'string', short: 'c' },
    for: { type: 'string' },
    'idle-restart': { type: 'string' },
  },
  async run({ values, session, out }) {
    const count =
      values.count === undefined
        ? undefined
        : parseInteger('--count', optString(values, 'count')!, { min: 1 });
    const seconds =
      values.for === undefined
        ? undefined
        : parseInteger('--for', optString(values, 'for')!, { min: 1 });
    const restart = parseInteger('--idle-restart', optString(values, 'idle-restart') ?? '1500', {
      min: 1,
      max: 1740,
    });
    const { renderEnvelopeLine } = await import('../listing-output.ts');
    const { watchFolder } = await import('../watcher.ts');
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const timer = seconds === undefined ? undefined : setTimeout(stop, seconds * 1000);
    try {
      await watchFolder({
        session,
        folder: optString(values, 'folder') ?? 'INBOX',
        signal: controller.signal,
        idleRestartMs: restart * 1000,
        ...(count === undefined ? {} : { count }),
        onMessage: (envelope) => out.result(envelope, () => renderEnvelopeLine(envelope)),
        onEvent: (event) => out.note(describe(event)),
      });
    } finally {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return 0;
  },
};
