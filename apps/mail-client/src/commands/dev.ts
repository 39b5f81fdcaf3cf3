/** mail dev-server: start the local stack (Dovecot + relay) and print a ready-to-use config. */
import { once } from 'node:events';
import { formatEndpoint } from '@netlab/addressing/endpoint';
import { parseCommandLine, parseInteger } from '@netlab/cli';
import type { LocalCommand } from './index.ts';

const HELP = `usage: mail dev-server [--for SECONDS] [--json]

Starts a real Dovecot (IMAP+STARTTLS, IMAPS with a fresh dev CA, LMTP, submission) through
@netlab/peers and the relay it submits through, on 127.0.0.1 high ports, with two accounts
(alice, bob). Prints a config file for them. Ctrl-C stops everything.

      --for SECONDS   stop by itself after this long
      --json          print the endpoints, config path and accounts as one JSON line
  -h, --help          this help

example: pnpm --filter mail-client dev-server`;

export const devServer: LocalCommand = {
  name: 'dev-server',
  summary: 'Start Dovecot + the relay on loopback and print a ready-to-use account config.',
  async run(argv) {
    const { values } = parseCommandLine({
      args: argv,
      options: {
        for: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const seconds =
      values.for === undefined ? undefined : parseInteger('--for', values.for, { min: 1 });
    process.stderr.write('starting Dovecot and the relay...\n');
    const { startStack } = await import('../stack.ts');
    const stack = await startStack({
      onDelivered: (d) =>
        process.stderr.write(
          `relay: ${d.from} -> ${d.accepted.join(', ')} (${d.bytes} bytes) delivered over LMTP\n`,
        ),
    });
    const { dovecot } = stack;
    const at = (port: number) => formatEndpoint({ host: dovecot.host, port, family: 'ipv4' });
    if (values.json) {
      const accounts = stack.users.map((u) => ({
        name: u.name,
        email: u.email,
        passwordFile: u.passwordFile,
      }));
      const ports = {
        imap: dovecot.imapPort,
        imaps: dovecot.imapsPort,
        submission: dovecot.submissionPort,
        lmtp: dovecot.lmtpPort,
      };
      process.stdout.write(
        `${JSON.stringify({ host: dovecot.host, ports, relay: formatEndpoint(stack.relayEndpoint), caPath: dovecot.caPath, configPath: stack.configPath, accounts })}\n`,
      );
    } else {
      process.stdout.write(
        [
          `Dovecot pid ${dovecot.pid}: IMAPS ${at(dovecot.imapsPort)}, IMAP+STARTTLS ${at(dovecot.imapPort)}, submission ${at(dovecot.submissionPort)}, LMTP ${at(dovecot.lmtpPort)}`,
          `relay (submission -> LMTP): ${formatEndpoint(stack.relayEndpoint)}`,
          `config: ${stack.configPath}`,
          '',
          stack.configText,
          'try:',
          `  pnpm --filter mail-client mail -- folders --config ${stack.configPath}`,
          `  pnpm --filter mail-client mail -- send --config ${stack.configPath} --to bob@netlab.test --subject hi --body hello`,
          `  pnpm --filter mail-client mail -- list --config ${stack.configPath} -a bob`,
          '',
        ].join('\n'),
      );
    }
    const stop = new AbortController();
    const timer =
      seconds === undefined ? undefined : setTimeout(() => stop.abort(), seconds * 1000);
    await Promise.race([
      once(process, 'SIGINT'),
      once(process, 'SIGTERM'),
      once(stop.signal, 'abort'),
    ]);
    clearTimeout(timer);
    process.stderr.write('stopping...\n');
    await stack.stop();
    return 0;
  },
};
