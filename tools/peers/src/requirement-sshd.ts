/** What the sshd peer needs installed; a module of its own, so whoever starts only sshd carries no other peer's list. */
import type { Needs } from './install.ts';

/** OpenSSH's server, and ssh-keygen (host and user keys) and ssh (a real client). */
export const SSHD = {
  packages: ['openssh-server', 'openssh-client'],
  paths: ['/usr/sbin/sshd', '/usr/bin/ssh-keygen', '/usr/bin/ssh'],
} as const satisfies Needs;
