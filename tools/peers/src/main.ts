/** The `peers` CLI: install every server up front (CI), or run one in the foreground (users). */

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine, runMain, UsageError } from '@netlab/cli';
import { startDnsmasq } from './dnsmasq.ts';
import { startDovecot } from './dovecot.ts';
import { setTrace } from './log.ts';
import { startNgircd } from './ngircd.ts';
import { startRedis } from './redis.ts';
import { ensure, REQUIREMENTS, type Requirement } from './requirements.ts';
import { startSshd } from './sshd.ts';

const HELP = `usage: peers <command> [options]

Commands:
  install [all|${Object.keys(REQUIREMENTS).join('|')} ...]
      Install the Debian packages of the named peers (default: all) in one apt-get run.
      Needs root on Debian/Ubuntu; elsewhere prints the command to run.
  start <redis|sshd|dnsmasq|dovecot|ngircd> [options]
      Run one server on 127.0.0.1 in the foreground and print its ports; Ctrl-C stops it
      and removes its state folder.

Options:
  --json                 print the result (installed paths, the server's details) as JSON
  --authorized-key FILE  sshd: public key to allow (repeatable; default ~/.ssh/id_*.pub)
  --a NAME=IP            dnsmasq: an A record (repeatable)
  --user NAME            dovecot: a mail user (repeatable; default alice@netlab.test); the
                         password is $NETLAB_PEERS_PASSWORD, or a random one that is printed
  --trace                print the daemon's own log lines as they come (NODE_DEBUG=peers)
  -h, --help             show this help

Examples:
  pnpm --filter peers peers install all
  pnpm --filter peers peers start redis
  pnpm --filter peers peers start dnsmasq --a app.netlab.test=127.0.0.1
  pnpm --filter peers peers start dovecot --user alice@netlab.test --json
  pnpm --filter peers peers start ngircd`;

type Values = { json?: boolean; 'authorized-key'?: string[]; a?: string[]; user?: string[] };
interface Running {
  stop(): Promise<void>;
}

function defaultPublicKeys(): string[] {
  const dir = join(homedir(), '.ssh');
  try {
    return readdirSync(dir)
      .filter((f) => /^id_.*\.pub$/.test(f))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

const starters: Record<string, (values: Values) => Promise<Running>> = {
  redis: () => startRedis(),
  sshd: (values) => {
    const files = values['authorized-key'] ?? defaultPublicKeys();
    return startSshd({ authorizedKeys: files.map((f) => readFileSync(f, 'utf8').trim()) });
  },
  dnsmasq: (values) => {
    const a = (values.a ?? []).map((spec): [string, string] => {
      const [name, ip] = spec.split('=');
      if (!name || !ip) throw new UsageError(`--a wants NAME=IP, got ${JSON.stringify(spec)}`);
      return [name, ip];
    });
    return startDnsmasq({ records: { a } });
  },
  dovecot: (values) => {
    const password = process.env.NETLAB_PEERS_PASSWORD || randomBytes(9).toString('base64url');
    const names = values.user ?? ['alice@netlab.test'];
    return startDovecot({ users: names.map((user) => ({ user, password })) });
  },
  ngircd: () => startNgircd(),
};

/** The handle's data fields (not its methods), for printing. */
function details(handle: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(handle).filter(([, v]) => typeof v !== 'function'));
}

async function install(names: string[], json: boolean): Promise<void> {
  const wanted = names.length === 0 || names.includes('all') ? Object.keys(REQUIREMENTS) : names;
  for (const name of wanted) {
    if (!(name in REQUIREMENTS)) throw new UsageError(`unknown peer ${JSON.stringify(name)}`);
  }
  const paths = [...new Set(await ensure(...(wanted as Requirement[])))];
  if (json) return console.log(JSON.stringify({ installed: wanted, paths }));
  console.log(`installed: ${wanted.join(', ')}`);
  for (const path of paths) console.log(`  ${path}`);
}

async function start(name: string | undefined, values: Values): Promise<void> {
  const starter = name ? starters[name] : undefined;
  if (!starter) throw new UsageError(`start needs one of: ${Object.keys(starters).join(', ')}`);
  const peer = await starter(values);
  const info = details(peer);
  if (values.json) console.log(JSON.stringify({ name, ...info }));
  else {
    console.log(`${name} is running (Ctrl-C stops it)`);
    for (const [key, value] of Object.entries(info)) {
      console.log(`  ${key}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
    }
  }
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, () => resolve(s));
  });
  clearInterval(keepAlive);
  console.error(`${signal}: stopping ${name}`);
  await peer.stop();
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      'authorized-key': { type: 'string', multiple: true },
      a: { type: 'string', multiple: true },
      user: { type: 'string', multiple: true },
      trace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  setTrace(values.trace ?? false);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  if (command === 'install') await install(rest, values.json ?? false);
  else if (command === 'start') await start(rest[0], values);
  else throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  return 0;
}

runMain(main, { name: 'peers' });
