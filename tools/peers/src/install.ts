/** ensureInstalled: find a server's files, apt-get installing its Debian packages when missing. */
import { accessSync, constants, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { PeerError } from './errors.ts';
import { run } from './exec.ts';
import { debug } from './log.ts';

/** Options of apt-get install that are safe when several installs race. */
const APT_INSTALL = [
  ...['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300'],
  // Never stop at a config-file question (none should come up on a fresh install).
  ...['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'],
];

/** One lock file serializes installs from parallel test processes (turbo runs them at once). */
const LOCK_FILE = join(tmpdir(), 'netlab-peers-apt.lock');

/** What a peer or tool needs: Debian packages, and the files that prove they are installed. */
export interface Needs {
  packages: readonly string[];
  paths: readonly string[];
}

/** The exact command a user runs to install `packages` by hand. */
export function installCommand(packages: readonly string[]): string {
  return `sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

function isExecutableDir(path: string): boolean {
  return /\/s?bin\/[^/]+$/.test(path);
}

/** `path` if it exists; for a program under a bin folder, also its name on PATH. */
function locate(path: string): string | undefined {
  if (existsSync(path)) return path;
  if (!isExecutableDir(path)) return undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, basename(path));
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

function canUseApt(): boolean {
  return (
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    existsSync('/etc/debian_version') &&
    existsSync('/usr/bin/apt-get') &&
    process.env.NETLAB_PEERS_NO_INSTALL !== '1'
  );
}

/** In-process memo: one install per package set at a time. */
const pending = new Map<string, Promise<void>>();

/**
 * Makes sure every file in `paths` exists, installing `packages` with apt-get when one is
 * missing and we are root on Debian/Ubuntu. Installs are serialized across processes with
 * `flock` on a lock file; `apt-get update` runs only when the install fails without it.
 * Set NETLAB_PEERS_NO_INSTALL=1 to never install.
 * @param packages Debian packages that provide the files.
 * @param paths Absolute paths (a program under a bin folder may also be found on PATH).
 * @returns The resolved paths, in the order given.
 * @throws {PeerError} ERR_PEER_NOT_INSTALLED (with the install command) or ERR_PEER_INSTALL_FAILED.
 * @example
 * const [redisServer] = await ensureInstalled(['redis-server'], ['/usr/bin/redis-server']);
 */
export async function ensureInstalled(
  packages: readonly string[],
  paths: readonly string[],
): Promise<string[]> {
  const found = paths.map(locate);
  const missing = paths.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) return found as string[];
  if (!canUseApt()) {
    throw new PeerError(
      'ERR_PEER_NOT_INSTALLED',
      `${missing.join(', ')} not found; install with: ${installCommand(packages)}`,
    );
  }
  const key = packages.join(' ');
  let job = pending.get(key);
  if (!job) {
    job = aptInstall(packages, missing).finally(() => pending.delete(key));
    pending.set(key, job);
  }
  await job;
  const after = paths.map(locate);
  const still = paths.filter((_, i) => after[i] === undefined);
  if (still.length > 0) {
    throw new PeerError(
      'ERR_PEER_INSTALL_FAILED',
      `${still.join(', ')} still missing after installing ${key}`,
    );
  }
  return after as string[];
}

/**
 * Under an exclusive flock: re-check (another process may have installed meanwhile), try the
 * install with the current package lists, and only if that fails run apt-get update and retry.
 */
async function aptInstall(packages: readonly string[], missing: readonly string[]): Promise<void> {
  const install = `apt-get ${APT_INSTALL.join(' ')} ${packages.map(shellQuote).join(' ')}`;
  const script = [
    `for f in ${missing.map(shellQuote).join(' ')}; do [ -e "$f" ] || need=1; done`,
    '[ -n "$need" ] || exit 0',
    `${install} || { apt-get update -o DPkg::Lock::Timeout=300 && ${install}; }`,
  ].join('\n');
  process.stderr.write(`netlab-peers: installing ${packages.join(' ')} (apt-get)\n`);
  debug('apt script: %s', script);
  try {
    await run('flock', ['-w', '900', LOCK_FILE, '/bin/sh', '-c', script], {
      env: { DEBIAN_FRONTEND: 'noninteractive' },
      echo: process.env.NETLAB_PEERS_QUIET !== '1',
    });
  } catch (err) {
    throw new PeerError(
      'ERR_PEER_INSTALL_FAILED',
      `apt-get could not install ${packages.join(' ')}; try: ${installCommand(packages)}`,
      { cause: err },
    );
  }
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
