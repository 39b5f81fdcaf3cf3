/** The local mail stack: a real Dovecot (via @netlab/peers) plus the relay, and a config for it. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Endpoint, formatEndpoint } from '@netlab/addressing/endpoint';
import type { DovecotPeer } from '@netlab/peers';
import { createServer, type Relay, type RelayOptions } from './server.ts';

export interface StackUser {
  /** Account name in the config (`alice`). */
  name: string;
  email: string;
  displayName: string;
  password: string;
  /** File holding the password (mode 0600), read by the config's password_cmd. */
  passwordFile: string;
  /** An OAuth 2.0 bearer token Dovecot also accepts for this user (XOAUTH2, OAUTHBEARER). */
  token: string;
}

export interface MailStack {
  dovecot: DovecotPeer;
  relay: Relay;
  relayEndpoint: Endpoint;
  users: StackUser[];
  /** A folder for the config and password files; removed by stop(). */
  dir: string;
  /** A config file with one account per user (IMAPS implicit TLS, submission STARTTLS). */
  configPath: string;
  configText: string;
  stop(): Promise<void>;
}

const DEFAULT_USERS = [
  { name: 'alice', email: 'alice@netlab.test', displayName: 'Alice Liddell' },
  { name: 'bob', email: 'bob@netlab.test', displayName: 'Bob Crémieux' },
];

/** Renders the accounts as TOML; `imapTls` picks IMAPS (implicit) or IMAP + STARTTLS. */
export function stackConfig(
  stack: Pick<MailStack, 'dovecot' | 'users'>,
  imapTls: 'implicit' | 'starttls' = 'implicit',
): string {
  const { dovecot } = stack;
  const imapPort = imapTls === 'implicit' ? dovecot.imapsPort : dovecot.imapPort;
  const imap = formatEndpoint({ host: dovecot.host, port: imapPort, family: 'ipv4' });
  const smtp = formatEndpoint({ host: dovecot.host, port: dovecot.submissionPort, family: 'ipv4' });
  const accounts = stack.users.map((u) =>
    [
      `[accounts.${u.name}]`,
      `email = "${u.email}"`,
      `name = "${u.displayName}"`,
      `password_cmd = "cat '${u.passwordFile}'"`,
      `ca = "${dovecot.caPath}"`,
      `imap = { host = "${imap}", tls = "${imapTls}" }`,
      `smtp = { host = "${smtp}", tls = "starttls" }`,
    ].join('\n'),
  );
  return [
    `# netlab mail dev stack (Dovecot pid ${dovecot.pid})`,
    `default = "${stack.users[0]!.name}"`,
    '',
    accounts.join('\n\n'),
    '',
  ].join('\n');
}

/**
 * Starts the relay, then Dovecot with its submission service relaying to it, then points the
 * relay at Dovecot's LMTP: client -> submission -> relay -> LMTP -> Maildir -> IMAP.
 */
export async function startStack(
  options: { users?: typeof DEFAULT_USERS; onDelivered?: RelayOptions['onDelivered'] } = {},
): Promise<MailStack> {
  const dir = await mkdtemp(join(tmpdir(), 'netlab-mail-'));
  const relay = createServer(options.onDelivered ? { onDelivered: options.onDelivered } : {});
  let dovecot: DovecotPeer | undefined;
  try {
    const relayEndpoint = await relay.listen({ host: '127.0.0.1', port: 0, family: 'ipv4' });
    const users: StackUser[] = [];
    for (const u of options.users ?? DEFAULT_USERS) {
      const password = randomBytes(12).toString('base64url');
      const passwordFile = join(dir, `${u.name}.password`);
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      users.push({ ...u, password, passwordFile, token: randomBytes(12).toString('base64url') });
    }
    // The Dovecot tooling is a dev dependency: loaded here, when the dev stack starts, never by
    // `mail list` or any other account command.
    const { startDovecot } = await import('@netlab/peers');
    dovecot = await startDovecot({
      users: users.map((u) => ({ user: u.email, password: u.password, token: u.token })),
      tls: true,
      submissionRelay: { host: relayEndpoint.host, port: relayEndpoint.port },
    });
    relay.setLmtp({ host: dovecot.host, port: dovecot.lmtpPort, family: 'ipv4' });
    const configText = stackConfig({ dovecot, users });
    const configPath = join(dir, 'config.toml');
    await writeFile(configPath, configText, { mode: 0o600 });
    const peer = dovecot;
    return {
      dovecot: peer,
      relay,
      relayEndpoint,
      users,
      dir,
      configPath,
      configText,
      async stop() {
        await Promise.allSettled([peer.stop(), relay.close()]);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await dovecot?.stop().catch(() => {});
    await relay.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
