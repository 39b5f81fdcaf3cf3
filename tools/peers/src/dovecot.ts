/** startDovecot: Dovecot 2.3 with IMAP/STARTTLS, IMAPS, LMTP and submission for mail tests. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Daemon, startDaemon } from './daemon.ts';
import { type DovecotPorts, dovecotConfig } from './dovecot-config.ts';
import { PeerError } from './errors.ts';
import { ensureInstalled } from './install.ts';
import { freePort, HOST, withFreshPorts } from './ports.ts';
import { DOVECOT } from './requirement-dovecot.ts';
import { makeStateDir, removeStateDir, writeStateFile } from './state.ts';
import { makeDevCertificates } from './tls.ts';

export interface DovecotUser {
  user: string;
  password: string;
  /**
   * An OAuth 2.0 bearer token this user may also log in with (SASL XOAUTH2 or OAUTHBEARER, on
   * IMAP and submission). Dovecot checks it like a second, mechanism-bound password: enough to
   * prove a client's XOAUTH2 exchange against a real server, without an identity provider.
   */
  token?: string;
}

export interface DovecotOptions {
  /** Mailbox users; LMTP delivers to `RCPT TO:<user>` (use addresses like alice@netlab.test). */
  users: DovecotUser[];
  /** TLS on (default): STARTTLS on IMAP and submission, implicit TLS on IMAPS. */
  tls?: boolean;
  /** The SMTP server Dovecot's submission service relays to (default: a closed port). */
  submissionRelay?: { host: string; port: number };
}

/** A running Dovecot. */
export interface DovecotPeer {
  host: string;
  /** IMAP, STARTTLS offered. */
  imapPort: number;
  /** IMAP over implicit TLS; 0 when tls is false. */
  imapsPort: number;
  lmtpPort: number;
  /** Submission (RFC 6409): STARTTLS, AUTH required, relays to submissionRelay. */
  submissionPort: number;
  /** The dev CA to trust (node:tls `ca`, the CLIs' `--ca`); '' when tls is false. */
  caPath: string;
  users: DovecotUser[];
  /** Pid of the current dovecot master (changes after restart()). */
  readonly pid: number;
  stateDir: string;
  /** Stop (waits for the pid; ~3 s) and start again on the same ports with the same mail. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const USER_NAME = /^[a-z0-9][a-z0-9._+@-]*$/;

function validateUsers(users: DovecotUser[]): void {
  if (!Array.isArray(users) || users.length === 0) {
    throw new PeerError(
      'ERR_PEER_INVALID_OPTION',
      'startDovecot needs users: [{ user, password }]',
    );
  }
  for (const { user, password, token } of users) {
    // auth_username_format %Lu lowercases logins, so names are stored lowercase.
    if (!USER_NAME.test(user?.toLowerCase() ?? '') || user.length > 100) {
      throw new PeerError(
        'ERR_PEER_INVALID_OPTION',
        `invalid mail user name ${JSON.stringify(user)}`,
      );
    }
    if (typeof password !== 'string' || password.length === 0) {
      throw new PeerError('ERR_PEER_INVALID_OPTION', `user ${user} needs a non-empty password`);
    }
    if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
      const why = `user ${user}: a token is printable ASCII without spaces (RFC 6750 b64token)`;
      throw new PeerError('ERR_PEER_INVALID_OPTION', why);
    }
  }
}

/** passwd-file lines; base64 encoding lets a secret hold any character, ':' included. */
function passwdFile(entries: { user: string; secret: string }[]): string {
  return entries
    .map((e) => `${e.user.toLowerCase()}:{PLAIN.b64}${Buffer.from(e.secret).toString('base64')}`)
    .join('\n');
}

/** Writes the passwd-file readable by Dovecot's auth process (group dovecot), not by others. */
async function writeSecrets(stateDir: string, name: string, content: string): Promise<void> {
  const path = await writeStateFile(stateDir, name, content, 0o640);
  const gid = dovecotGid();
  if (gid !== undefined) await chown(path, 0, gid);
}

/** uid of `nobody` and gid of `nogroup` from /etc/passwd and /etc/group (65534 on Debian). */
function nobodyIds(): { uid: number; gid: number } {
  const find = (file: string, name: string) => {
    try {
      const line = readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${name}:`));
      return Number(line?.split(':')[2] ?? 65534);
    } catch {
      return 65534;
    }
  };
  return { uid: find('/etc/passwd', 'nobody'), gid: find('/etc/group', 'nogroup') };
}

/** The mail folder and one home per user, owned by nobody (delivery runs as nobody). */
async function makeMailHomes(stateDir: string, users: DovecotUser[]): Promise<void> {
  const { uid, gid } = nobodyIds();
  const mail = join(stateDir, 'mail');
  await mkdir(mail, { mode: 0o700 });
  await chown(mail, uid, gid);
  for (const { user } of users) {
    const home = join(mail, user.toLowerCase());
    await mkdir(home, { mode: 0o700 });
    await chown(home, uid, gid);
  }
}

/** gid of the `dovecot` group, which Dovecot's auth process runs as; undefined if absent. */
function dovecotGid(): number | undefined {
  try {
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('dovecot:'));
    return line ? Number(line.split(':')[2]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts Dovecot (installing dovecot-imapd, dovecot-lmtpd, dovecot-submissiond and openssl if
 * missing) with a fresh dev CA, users in a passwd-file and Maildirs owned by nobody.
 * @example
 * const mail = await startDovecot({ users: [{ user: 'alice@netlab.test', password: 'pw' }] });
 * // IMAP STARTTLS on mail.imapPort, trusting mail.caPath; deliver with LMTP on mail.lmtpPort
 */
export async function startDovecot(options: DovecotOptions): Promise<DovecotPeer> {
  validateUsers(options?.users);
  const tls = options.tls ?? true;
  const [dovecot, openssl] = await ensureInstalled(DOVECOT.packages, DOVECOT.paths);
  const stateDir = await makeStateDir('dovecot');
  try {
    const { users } = options;
    await writeSecrets(
      stateDir,
      'users',
      passwdFile(users.map((u) => ({ ...u, secret: u.password }))),
    );
    const tokens = users.flatMap((u) => (u.token ? [{ user: u.user, secret: u.token }] : []));
    if (tokens.length) await writeSecrets(stateDir, 'tokens', passwdFile(tokens));
    await makeMailHomes(stateDir, options.users);
    const certs = tls ? await makeDevCertificates(join(stateDir, 'tls'), openssl!) : undefined;
    // Without a relay, submission still starts; relaying fails at a port nobody listens on.
    const relay = options.submissionRelay ?? { host: HOST, port: await freePort() };
    const instanceName = `netlab-${randomBytes(4).toString('hex')}`;
    const launch = async (ports: DovecotPorts): Promise<Daemon> => {
      const oauth = tokens.length > 0;
      const config = dovecotConfig({ stateDir, instanceName, ports, tls: certs, relay, oauth });
      const file = await writeStateFile(stateDir, 'dovecot.conf', config);
      const listening = [ports.imap, ports.lmtp, ports.submission];
      if (tls) listening.push(ports.imaps);
      // -F: foreground, so the pid we hold is the master's.
      return startDaemon({
        stateDir,
        name: 'dovecot',
        command: dovecot!,
        args: ['-F', '-c', file],
        ports: listening,
      });
    };
    let [daemon, ports] = await withFreshPorts(4, async ([imap, imaps, lmtp, submission]) => {
      const p = { imap: imap!, imaps: tls ? imaps! : 0, lmtp: lmtp!, submission: submission! };
      return [await launch(p), p] as [Daemon, DovecotPorts];
    });
    return {
      host: HOST,
      imapPort: ports.imap,
      imapsPort: ports.imaps,
      lmtpPort: ports.lmtp,
      submissionPort: ports.submission,
      caPath: certs?.caPath ?? '',
      users: options.users,
      get pid() {
        return daemon.pid;
      },
      stateDir,
      async restart() {
        // Dovecot needs ~3 s to shut down; stop() waits for the master's pid to exit.
        await daemon.stop(15_000);
        daemon = await launch(ports);
      },
      async stop() {
        await daemon.stop(15_000);
        await removeStateDir(stateDir);
      },
    };
  } catch (err) {
    await removeStateDir(stateDir);
    throw err;
  }
}
