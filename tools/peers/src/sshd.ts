/** startSshd: OpenSSH sshd on 127.0.0.1:<free port> with its own host key and authorized_keys. */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from './daemon.ts';
import { PeerError } from './errors.ts';
import { run } from './exec.ts';
import { ensureInstalled } from './install.ts';
import { launchInStateDir } from './launch.ts';
import { HOST } from './ports.ts';
import { SSHD } from './requirement-sshd.ts';
import { writeStateFile } from './state.ts';

export interface SshdOptions {
  /** OpenSSH public key lines (`ssh-ed25519 AAAA... comment`) allowed to log in. */
  authorizedKeys: string[];
  /** Offer password authentication (default false). Root's password is never accepted. */
  passwordAuthentication?: boolean;
  /** sshd's MaxAuthTries (default 6). */
  maxAuthTries?: number;
}

/** A running sshd. */
export interface SshdPeer {
  host: string;
  port: number;
  pid: number;
  /** The user to log in as: the user running the tests (root here). */
  user: string;
  /** Private host key file (ed25519). */
  hostKeyPath: string;
  /** `ssh-ed25519 AAAA...` */
  hostPublicKey: string;
  /** `SHA256:...` as ssh-keygen -l prints it. */
  hostKeyFingerprint: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA...`, one line for a known_hosts file. */
  knownHostsLine: string;
  /** `$HOME` of every session: an empty folder in the state folder, not the user's own. */
  home: string;
  stateDir: string;
  stop(): Promise<void>;
}

/** OpenSSH's fingerprint: SHA-256 of the key blob, base64 without padding. */
export function sshFingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1] ?? '';
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

function sshdConfig(o: {
  port: number;
  dir: string;
  hostKey: string;
  options: SshdOptions;
}): string {
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  return [
    `Port ${o.port}`,
    `ListenAddress ${HOST}`,
    `HostKey ${o.hostKey}`,
    `PidFile ${join(o.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(o.dir, 'authorized_keys')}`,
    // Sessions start from an empty home, not the user's own: the machine's ~/.bashrc would
    // run in every session (root's pyenv init here: ~150 ms, and 60 s stuck behind the lock
    // of a `pyenv rehash` that was killed). The working directory stays the user's home.
    `SetEnv HOME=${join(o.dir, 'home')}`,
    // Not PAM (needs system config), not the ownership checks (the state dir is in /tmp).
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${yesNo(o.options.passwordAuthentication ?? false)}`,
    'KbdInteractiveAuthentication no',
    `MaxAuthTries ${o.options.maxAuthTries ?? 6}`,
    // Parallel test files open many connections at once.
    'MaxStartups 100:30:200',
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel VERBOSE',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

/**
 * Starts sshd (installing openssh-server/openssh-client if missing) with a fresh ed25519 host key.
 * @example
 * const sshd = await startSshd({ authorizedKeys: [publicKeyLine] });
 * // ssh -p sshd.port -o UserKnownHostsFile=... root@127.0.0.1 echo hi
 */
export async function startSshd(options: SshdOptions): Promise<SshdPeer> {
  if (!Array.isArray(options?.authorizedKeys)) {
    throw new PeerError('ERR_PEER_INVALID_OPTION', 'startSshd needs authorizedKeys: string[]');
  }
  const [sshd, sshKeygen] = await ensureInstalled(SSHD.packages, SSHD.paths);
  // sshd refuses to start without its privilege separation directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }).catch(() => {});
  let hostKeyLine = '';
  const { daemon, ports, stateDir, stop } = await launchInStateDir(
    'sshd',
    1,
    async (dir, [port]) => {
      const hostKey = join(dir, 'ssh_host_ed25519_key');
      if (!hostKeyLine) {
        // Once per state folder, not again when a port race makes the start run twice.
        const args = ['-q', '-t', 'ed25519', '-N', '', '-C', 'netlab-peers', '-f', hostKey];
        await run(sshKeygen!, args);
        const [type, blob] = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/);
        hostKeyLine = `${type} ${blob}`;
        const keys = options.authorizedKeys.map((k) => k.trim()).join('\n');
        await writeStateFile(dir, 'authorized_keys', `${keys}\n`, 0o600);
        await mkdir(join(dir, 'home'), { mode: 0o700 });
      }
      const config = sshdConfig({ port: port!, dir, hostKey, options });
      const file = await writeStateFile(dir, 'sshd_config', config, 0o600);
      // -D: stay in the foreground; -e: log to stderr. sshd re-execs itself: absolute path.
      return startDaemon({
        stateDir: dir,
        name: 'sshd',
        command: sshd!,
        args: ['-D', '-e', '-f', file],
        ports: [port!],
      });
    },
  );
  const port = ports[0]!;
  return {
    host: HOST,
    port,
    pid: daemon.pid,
    user: userInfo().username,
    hostKeyPath: join(stateDir, 'ssh_host_ed25519_key'),
    hostPublicKey: hostKeyLine,
    hostKeyFingerprint: sshFingerprint(hostKeyLine),
    knownHostsLine: `[${HOST}]:${port} ${hostKeyLine}`,
    home: join(stateDir, 'home'),
    stateDir,
    stop,
  };
}
