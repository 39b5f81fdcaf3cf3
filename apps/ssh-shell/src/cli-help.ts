/** Help texts, flag tables and the exec command-line split: what `--help` needs, importing nothing heavy. */
import {
  DEFAULT_CLIENT_PORT,
  DEFAULT_ENV_ALLOW,
  DEFAULT_SERVER_HOST,
  DEFAULT_SERVER_PORT,
  DEFAULTS,
  PENALTY_DEFAULTS,
  STARTUP_DEFAULTS,
} from './protocol.ts';

// main.ts answers `--help` from this module alone; ssh2 and node-pty (~0.1 s to load) are
// imported by each command's module only when that command runs.

/** Flags every client command takes (util.parseArgs config). */
export const CONNECTION_FLAGS = {
  identity: { type: 'string', short: 'i', multiple: true },
  port: { type: 'string', short: 'p' },
  login: { type: 'string', short: 'l' },
  'known-hosts': { type: 'string' },
  'accept-new': { type: 'boolean' },
  'hash-known-hosts': { type: 'boolean' },
  'no-agent': { type: 'boolean' },
  cipher: { type: 'string' },
  keepalive: { type: 'string' },
  'connect-timeout': { type: 'string' },
  trace: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Flags of exec, shell, put and get. */
export const CLIENT_FLAGS = {
  ...CONNECTION_FLAGS,
  hosts: { type: 'string', short: 'H' },
  'no-stdin': { type: 'boolean', short: 'n' },
  tty: { type: 'boolean', short: 't' },
  'hosts-file': { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** Flags of the server command. */
export const SERVER_FLAGS = {
  listen: { type: 'string' },
  port: { type: 'string' },
  allow: { type: 'string', multiple: true },
  ciphers: { type: 'string' },
  state: { type: 'string' },
  'authorized-keys': { type: 'string' },
  'password-file': { type: 'string' },
  home: { type: 'string' },
  'sftp-root': { type: 'string' },
  shell: { type: 'string' },
  'accept-env': { type: 'string' },
  'max-auth-tries': { type: 'string' },
  'login-grace': { type: 'string' },
  'penalty-budget': { type: 'string' },
  'penalty-time': { type: 'string' },
  'max-startups': { type: 'string' },
  'per-source-max-startups': { type: 'string' },
  'idle-timeout': { type: 'string' },
  keepalive: { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CONNECTION_HELP = `Connection options:
  -i FILE               identity file (repeatable); default ~/.ssh/id_ed25519, id_ecdsa, id_rsa
  -p PORT               port when HOST has none (default ${DEFAULT_CLIENT_PORT})
  -l USER               login name when HOST has no user@ (default: you)
  --known-hosts FILE    default ~/.ssh/known_hosts (OpenSSH format, hashed entries read too)
  --accept-new          record an unknown host's key (trust on first use); changed keys still fail
  --hash-known-hosts    record new entries hashed (|1|salt|hmac)
  --no-agent            do not use ssh-agent (SSH_AUTH_SOCK)
  --cipher NAME         e.g. aes128-gcm@openssh.com (default: ssh2's preference list)
  --keepalive SECONDS   keepalive interval (default 15, 0 = off)
  --connect-timeout S   handshake + auth deadline (default 20)
  --trace               print the protocol exchange (kex, auth methods, channel requests)
Environment: NETLAB_SSH_PASSWORD enables password auth; SSH_KEY_PASSPHRASE decrypts -i keys.`;

export const CLIENT_HELP = `Usage:
  ssh-shell exec [options] HOST COMMAND...        run a command, exit with its status
  ssh-shell exec [options] -H H1,H2 COMMAND...    many hosts (or --hosts-file FILE)
  ssh-shell shell [options] HOST                  interactive shell with a PTY
  ssh-shell put [options] HOST LOCAL REMOTE       upload over SFTP
  ssh-shell get [options] HOST REMOTE LOCAL       download over SFTP
HOST is [user@]host[:port], e.g. root@127.0.0.1:2222 or [::1]:2222.
Many hosts: --concurrency N (default 10), --timeout SECONDS per host (default 60).
exec sends its stdin to the command unless it is a terminal or -n is given (like ssh -n).
exec -t asks for a PTY (like ssh -t): one output stream; with -H, a timed-out command is then
ended by the hangup (sshd ignores signal requests for root logins; without -t it may run on).
--json prints results as JSON (exec captures output into it).

${CONNECTION_HELP}

Example:
  ssh-shell exec --accept-new -i ~/.ssh/id_ed25519 root@127.0.0.1:2222 uname -a`;

export const SERVER_HELP = `Usage: ssh-shell server [options]
  --listen HOST:PORT     address (default ${DEFAULT_SERVER_HOST}:${DEFAULT_SERVER_PORT}; loopback unless you say otherwise)
  --port PORT            port, overriding the one in --listen (0 = any free port)
  --allow CIDR           only these source networks, IPv4 or IPv6 (repeatable); others are
                         closed at accept, counted and logged. Default: no filter (the
                         server listens on loopback unless --listen says otherwise)
  --ciphers LIST         ciphers offered, in order, comma-separated (default: ssh2's list
                         without chacha20-poly1305@openssh.com, which runs in WebAssembly
                         unless ssh2's optional native build is installed)
  --state DIR            host key folder (default ~/.local/state/netlab-ssh-shell)
  --authorized-keys FILE OpenSSH authorized_keys (default ~/.ssh/authorized_keys)
  --password-file FILE   enable password auth with this scrypt file (see hash-password)
  --home DIR             HOME and working folder of sessions (default: this user's home)
  --sftp-root DIR        what SFTP clients see as / (default: the --home folder)
  --shell PATH           runs every command and shell (default: this user's login shell)
  --accept-env LIST      env requests allowed (default ${DEFAULT_ENV_ALLOW.join(',')})
  --max-auth-tries N     failed attempts before disconnect (default ${DEFAULTS.maxAuthTries})
  --login-grace SECONDS  time to authenticate (default ${DEFAULTS.loginGraceMs / 1000})
  --penalty-budget N     failed logins per source (IPv4 address, IPv6 /64) before it is refused (default ${PENALTY_DEFAULTS.budget})
  --penalty-time SECONDS how long such a source is refused at connect (default ${PENALTY_DEFAULTS.penaltyMs / 1000})
  --max-startups N       connections not yet logged in, at once (default ${STARTUP_DEFAULTS.maxStartups})
  --per-source-max-startups N   the same from one source (default ${STARTUP_DEFAULTS.perSourceMaxStartups})
  --idle-timeout SECONDS no data this long ends a connection (default ${DEFAULTS.idleTimeoutMs / 1000}, 0 = off)
  --keepalive SECONDS    keepalive interval (default ${DEFAULTS.keepaliveIntervalMs / 1000})
  --json                 log lines as JSON
  --trace                print the protocol exchange of every connection
Usage: ssh-shell hash-password USER    (password from NETLAB_SSH_PASSWORD or the first stdin line)

Examples:
  ssh-shell server --listen 127.0.0.1:2222 --authorized-keys ~/.ssh/id_ed25519.pub
  ssh-shell server --listen 0.0.0.0:2222 --allow 192.168.1.0/24 --allow 2001:db8::/32`;

export const HASH_PASSWORD_HELP = `Usage: ssh-shell hash-password USER >> passwords
  password from NETLAB_SSH_PASSWORD or the first line of stdin`;

/**
 * Like ssh, options come first and everything after HOST (or after the first word when -H or
 * --hosts-file names the hosts) is the remote command, so `exec host ls -la` keeps its `-la`.
 */
export function splitCommandLine(argv: string[]): { options: string[]; rest: string[] } {
  const takesValue = new Set(
    Object.entries(CLIENT_FLAGS).flatMap(([name, f]) =>
      f.type === 'string' ? [`--${name}`, ...('short' in f ? [`-${f.short}`] : [])] : [],
    ),
  );
  const many = argv.some((a) => /^(-H|--hosts|--hosts-file)(=|$)/.test(a));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return { options: argv.slice(0, i), rest: argv.slice(i + 1) };
    if (!arg.startsWith('-') || arg === '-') {
      const cut = many ? i : i + 1; // keep HOST with the options
      return { options: argv.slice(0, cut), rest: argv.slice(cut) };
    }
    if (takesValue.has(arg)) i++;
  }
  return { options: argv, rest: [] };
}
