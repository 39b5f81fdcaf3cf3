/** mail demo: start the stack, watch bob's INBOX, send from alice, see it arrive, read it back. */
import { parseCommandLine } from '@netlab/cli';
import { runMail, spawnMail, waitForLine } from '../spawn-cli.ts';
import type { LocalCommand } from './index.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

export const demo: LocalCommand = {
  name: 'demo',
  summary:
    'Start the stack, send a message, watch it arrive through IDLE, read it; checks it all worked.',
  async run(argv) {
    const { values } = parseCommandLine({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      say(
        'usage: mail demo\n\nStarts the local stack, runs watch, send and read as real child processes, checks the\nmessage made it (exit 0) and stops everything.\n\nexample: pnpm --filter mail-client demo',
      );
      return 0;
    }
    say('starting Dovecot (via @netlab/peers) and the relay...');
    const { startStack } = await import('../stack.ts');
    const stack = await startStack();
    const watcher = spawnMail([
      'watch',
      '--config',
      stack.configPath,
      '-a',
      'bob',
      '--count',
      '1',
      '--json',
      '--for',
      '60',
    ]);
    try {
      const config = ['--config', stack.configPath];
      say(
        `stack up: IMAPS 127.0.0.1:${stack.dovecot.imapsPort}, submission 127.0.0.1:${stack.dovecot.submissionPort}\n`,
      );
      say(`$ mail watch -a bob --count 1 --json        (pid ${watcher.pid})`);
      const arrived = waitForLine(watcher.stdout!, (l) => l.startsWith('{'), 60_000);
      say(await waitForLine(watcher.stderr!, (l) => l.startsWith('watch: watching'), 30_000));
      const subject = `Grüße from the demo ✓ ${new Date().toISOString().slice(11, 19)}`;
      const body =
        'Hello Bob,\nthis went client -> submission -> relay -> LMTP -> Maildir -> IMAP.\n';
      say(`$ mail send -a alice --to bob@netlab.test --subject '${subject}' --body '...'`);
      const sentAt = performance.now();
      const sent = await runMail([
        'send',
        ...config,
        '-a',
        'alice',
        '--to',
        'bob@netlab.test',
        '--subject',
        subject,
        '--body',
        body,
      ]);
      process.stdout.write(sent.stdout + sent.stderr);
      if (sent.code !== 0) throw new Error(`send exited ${sent.code}`);
      const envelope = JSON.parse(await arrived) as { uid: number; subject: string };
      say(
        `watch printed: UID ${envelope.uid} "${envelope.subject}" (${((performance.now() - sentAt) / 1000).toFixed(2)} s after the send process was started, its start-up included)`,
      );
      if (envelope.subject !== subject) throw new Error(`watch saw subject '${envelope.subject}'`);
      say(`\n$ mail read ${envelope.uid} -a bob`);
      const read = await runMail(['read', String(envelope.uid), ...config, '-a', 'bob']);
      process.stdout.write(read.stdout + read.stderr);
      if (read.code !== 0 || !read.stdout.includes(body.trim()))
        throw new Error('read did not show the body that was sent');
      say('demo ok: sent, seen arriving through IDLE, read back intact');
      return 0;
    } finally {
      if (watcher.exitCode === null) watcher.kill('SIGTERM');
      await stack.stop();
    }
  },
};
