/** Sweep what test processes killed outright (SIGKILL, no 'exit' event) left: daemons, folders. */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debug } from './log.ts';
import { descendantsOf, isRunning, startTimeOf } from './proc.ts';

/** State folders this package creates (see makeStateDir). */
const STATE_DIR = /^netlab-(redis|sshd|dnsmasq|dovecot|ngircd)-/;
const OWNER_FILE = 'owner.json';

/** Who made a state folder and which daemon runs in it; pid + start time name one process. */
interface Owner {
  owner: number;
  ownerStart?: string;
  daemon?: number;
  daemonStart?: string;
}

/** Records this process as the owner of `dir`, and `daemon` once one runs there. */
export function writeOwner(dir: string, daemon?: number): void {
  const owner: Owner = { owner: process.pid, ownerStart: startTimeOf(process.pid) };
  if (daemon !== undefined) Object.assign(owner, { daemon, daemonStart: startTimeOf(daemon) });
  try {
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
  } catch {}
}

function sameProcess(pid: number | undefined, start: string | undefined): boolean {
  return pid !== undefined && start !== undefined && isRunning(pid) && startTimeOf(pid) === start;
}

/**
 * For every state folder whose owner process is gone, SIGKILL its daemon
 * (only if pid AND start time still match, so a reused pid is never hit) with the daemon's
 * descendants, and remove the folder. Folders without an owner record are left alone.
 * @param root Where the state folders are (os.tmpdir(), i.e. $TMPDIR, by default).
 */
export function sweepLeftovers(root = tmpdir()): void {
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => STATE_DIR.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(root, name);
    let owner: Owner;
    try {
      owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (sameProcess(owner.owner, owner.ownerStart)) continue;
    if (owner.daemon !== undefined && sameProcess(owner.daemon, owner.daemonStart)) {
      for (const pid of [owner.daemon, ...descendantsOf(owner.daemon)]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
    debug('swept leftover %s (owner pid %d is gone)', dir, owner.owner);
    rmSync(dir, { recursive: true, force: true });
  }
}
