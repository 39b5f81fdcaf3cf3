/** What ssh-shell exchanges and records: SSH itself is the wire protocol (RFC 4251-4254, ssh2). */
import type { PenaltyOptions } from './penalties.ts';
import type { StartupLimits } from './startups.ts';

/** Our server's default address; the client defaults to SSH's own port 22 like `ssh`. */
export const DEFAULT_SERVER_HOST = '127.0.0.1';
export const DEFAULT_SERVER_PORT = 2222;
export const DEFAULT_CLIENT_PORT = 22;

/** env requests (RFC 4254 §6.4) accepted by default, like OpenSSH's `AcceptEnv LANG LC_*`. */
export const DEFAULT_ENV_ALLOW = ['LANG', 'LC_*', 'TZ'];

/** Server limits, OpenSSH's names in comments. */
export const DEFAULTS = {
  maxAuthTries: 6, // MaxAuthTries
  loginGraceMs: 30_000, // LoginGraceTime
  idleTimeoutMs: 15 * 60_000, // no channel data either way for this long ends the connection
  keepaliveIntervalMs: 15_000, // ClientAliveInterval / ServerAliveInterval
  keepaliveCountMax: 3, // ClientAliveCountMax / ServerAliveCountMax
};

/** Per-source failed-login penalties (sshd's PerSourcePenalties), see penalties.ts. */
export const PENALTY_DEFAULTS: PenaltyOptions = {
  budget: 10,
  penaltyMs: 10 * 60_000,
  delayMs: 100,
  maxDelayMs: 5_000,
  forgetMs: 30 * 60_000,
  maxSources: 10_000,
};

/** Connections not yet logged in (sshd's MaxStartups, PerSourceMaxStartups), see startups.ts. */
export const STARTUP_DEFAULTS: StartupLimits = { maxStartups: 256, perSourceMaxStartups: 64 };

/** The limits a connection enforces (see DEFAULTS). */
export interface ServerOptionsLimits {
  maxAuthTries: number;
  loginGraceMs: number;
  idleTimeoutMs: number;
}

/** One log record per session (plus auth and connection events), printed by the server CLI. */
export interface LogEntry {
  time: string;
  /** refused: a request a key's options or this server do not allow (detail says which). */
  event: 'listen' | 'connect' | 'auth' | 'session' | 'disconnect' | 'refused';
  from?: string;
  user?: string;
  /** auth: method and outcome; session: exec/shell/sftp. */
  method?: string;
  ok?: boolean;
  kind?: 'exec' | 'shell' | 'sftp';
  command?: string;
  pty?: boolean;
  exitCode?: number | null;
  signal?: string | null;
  durationMs?: number;
  detail?: string;
}

/** What a finished remote command reports back. */
export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
}

/** One row of the many-hosts summary table. */
export interface HostResult {
  host: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  error?: { code: string; message: string };
}
