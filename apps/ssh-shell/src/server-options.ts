/** The server's options, and the same with every default filled in (what the core and its layers read). */
import { homedir, userInfo } from 'node:os';
import type { NetworkList } from '@netlab/addressing/network';
import type { Algorithms, CipherAlgorithm } from 'ssh2';
import { loadPasswordFile } from './passwords.ts';
import type { PenaltyOptions } from './penalties.ts';
import { DEFAULT_ENV_ALLOW, DEFAULTS, type LogEntry } from './protocol.ts';
import type { StartupLimits } from './startups.ts';

export interface ServerOptions {
  /** Host private key (OpenSSH format), e.g. from loadOrCreateHostKey(). */
  hostKey: string;
  /** OpenSSH authorized_keys file, re-read on every attempt as sshd does. */
  authorizedKeysFile: string;
  /** Enables password auth with this scrypt password file (see passwords.ts). Off when unset. */
  passwordFile?: string;
  /** The one login name accepted; commands run as the server's own user. Default: that user. */
  user?: string;
  shell?: string;
  /** Working directory of commands. Default: home directory. */
  home?: string;
  /** What SFTP clients see as `/`. Default: `home`. */
  sftpRoot?: string;
  envAllow?: string[];
  maxAuthTries?: number;
  loginGraceMs?: number;
  /** No channel data either way for this long ends the connection; 0 disables. */
  idleTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** ssh2's algorithm lists; `cipher` unset means DEFAULT_CIPHER_OFFER (below). */
  algorithms?: Algorithms;
  /** Per-source failed-login budget, delays and penalty time (see penalties.ts). */
  penalties?: Partial<PenaltyOptions>;
  /** Source networks admitted at accept; empty or unset admits every source (source-policy.ts). */
  allow?: NetworkList | undefined;
  /** Bounds on connections not yet logged in (see startups.ts). */
  startups?: Partial<StartupLimits>;
  onLog?: (entry: LogEntry) => void;
  /** Protocol trace lines (ssh2 debug output: kex, auth, channel requests). */
  trace?: (line: string) => void;
}

export type ServerSettings = ReturnType<typeof withDefaults>;

/**
 * The ciphers offered unless `algorithms.cipher` says otherwise: ssh2's own list without
 * chacha20-poly1305. The client's order decides (RFC 4253 §7.1) and OpenSSH's `ssh` lists
 * chacha20 first; ssh2 without its optional native build (an install leaves it unbuilt) runs
 * Poly1305 in WebAssembly, while aes128-ctr, OpenSSH's next choice, runs in Node's OpenSSL on
 * the CPU's AES instructions: faster streams, less server CPU per byte (BENCH.md).
 */
export const DEFAULT_CIPHER_OFFER: Algorithms['cipher'] = {
  // @types/ssh2 declares all three keys; ssh2 applies whichever hold names.
  append: [],
  prepend: [],
  remove: ['chacha20-poly1305@openssh.com' satisfies CipherAlgorithm],
};

export function withDefaults(options: ServerOptions) {
  const me = userInfo();
  const home = options.home ?? homedir();
  return {
    ...DEFAULTS,
    ...options,
    user: options.user ?? me.username,
    shell: options.shell ?? (me.shell || '/bin/sh'),
    home,
    sftpRoot: options.sftpRoot ?? home,
    envAllow: options.envAllow ?? DEFAULT_ENV_ALLOW,
    algorithms: {
      ...options.algorithms,
      cipher: options.algorithms?.cipher ?? DEFAULT_CIPHER_OFFER,
    },
    passwords: options.passwordFile ? loadPasswordFile(options.passwordFile) : undefined,
    log: (entry: Omit<LogEntry, 'time'>) =>
      options.onLog?.({ time: new Date().toISOString(), ...entry }),
  };
}
