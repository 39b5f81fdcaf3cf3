/** Hand-written IMAP and SMTP servers on loopback TLS that misbehave on cue, and the CLI run against them. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { makeDevCertificates, processUsage } from '@netlab/peers';
import { spawnMail } from '../src/spawn-cli.ts';

export interface Peers {
  dir: string;
  key: string;
  /** The server's certificate and key, signed by `ca`. */
  cert: string;
  /** The CA a client must trust (PEM, and its path for the account config). */
  ca: string;
  caPath: string;
  servers: Server[];
}

/** A throwaway CA and a server certificate for 127.0.0.1 in a fresh folder; the config trusts the CA. */
export async function makePeers(): Promise<Peers> {
  const dir = mkdtempSync(join(tmpdir(), 'mail-hostile-'));
  const tls = await makeDevCertificates(join(dir, 'tls'), 'openssl');
  return {
    dir,
    key: readFileSync(tls.keyPath, 'utf8'),
    cert: readFileSync(tls.certPath, 'utf8'),
    ca: readFileSync(tls.caPath, 'utf8'),
    caPath: tls.caPath,
    servers: [],
  };
}

export interface ImapCommand {
  tag: string;
  /** Upper-cased command name, `UID FETCH` for UID commands. */
  verb: string;
  line: string;
  literals: Buffer[];
}

/** Answers one command; returns true when it did (else the well-behaved default answers). */
export type ImapScript = (command: ImapCommand, socket: TLSSocket) => boolean | undefined;

export const CAPS = 'IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN UIDPLUS IDLE';

/** What a plain server says, enough for imapflow's session and a listing. */
function imapDefault({ tag, verb }: ImapCommand, socket: TLSSocket): void {
  const untagged: Record<string, string> = {
    CAPABILITY: `* CAPABILITY ${CAPS}\r\n`,
    LIST: '* LIST (\\HasNoChildren) "/" INBOX\r\n* LIST (\\HasNoChildren \\Sent) "/" Sent\r\n',
    SELECT: SELECTED,
    EXAMINE: SELECTED,
    'UID SEARCH': '* SEARCH 1\r\n',
  };
  const completion: Record<string, string> = {
    AUTHENTICATE: `[CAPABILITY ${CAPS}] in`,
    LOGIN: `[CAPABILITY ${CAPS}] in`,
    APPEND: '[APPENDUID 7 5] appended',
  };
  if (verb === 'LOGOUT') socket.end(`* BYE bye\r\n${tag} OK bye\r\n`);
  else socket.write(`${untagged[verb] ?? ''}${tag} OK ${completion[verb] ?? 'done'}\r\n`);
}

const SELECTED =
  '* FLAGS (\\Seen)\r\n* 1 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 2] n\r\n';

/** Starts an implicit-TLS IMAP server: each command line (literals read) goes to `script`. */
export async function startImap(peers: Peers, script: ImapScript): Promise<number> {
  const server = createServer({ key: peers.key, cert: peers.cert }, (socket) => {
    socket.on('error', () => {});
    socket.write(`* OK [CAPABILITY ${CAPS}] hostile IMAP ready\r\n`);
    let buffered = Buffer.alloc(0);
    let literals: Buffer[] = [];
    let line = '';
    let need = -1;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (need >= 0) {
          if (buffered.length < need) return;
          literals.push(buffered.subarray(0, need));
          buffered = buffered.subarray(need);
          need = -1;
          continue;
        }
        const end = buffered.indexOf('\r\n');
        if (end < 0) return;
        const part = buffered.toString('utf8', 0, end);
        line += part;
        buffered = buffered.subarray(end + 2);
        const literal = /\{(\d+)(\+?)\}$/.exec(part);
        if (literal) {
          need = Number(literal[1]);
          if (!literal[2]) socket.write('+ go ahead\r\n');
          continue;
        }
        const [tag = '', first = '', second = ''] = line.split(' ');
        const verb =
          first.toUpperCase() === 'UID' ? `UID ${second.toUpperCase()}` : first.toUpperCase();
        const command = { tag, verb, line, literals };
        if (!script(command, socket)) imapDefault(command, socket);
        line = '';
        literals = [];
      }
    });
  });
  return listen(peers, server);
}

export interface SmtpCommand {
  verb: string;
  line: string;
  /** For `verb: '.'`: the message as sent after DATA (dot-stuffed, up to the final `.`). */
  data?: string;
}

/** Answers one SMTP command (or `verb: '.'`, the end of the message); true when it did. */
export type SmtpScript = (command: SmtpCommand, socket: TLSSocket) => boolean | undefined;

/** Starts an implicit-TLS (RFC 8314) SMTP server; commands go to `script`, then the defaults. */
export async function startSmtp(peers: Peers, script: SmtpScript): Promise<number> {
  const server = createServer({ key: peers.key, cert: peers.cert }, (socket) => {
    socket.on('error', () => {});
    socket.write('220 hostile.test ESMTP\r\n');
    let text = '';
    let inData = false;
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      for (;;) {
        const end = inData ? text.indexOf('\r\n.\r\n') : text.indexOf('\r\n');
        if (end < 0) return;
        const line = inData ? '.' : text.slice(0, end);
        const data = inData ? text.slice(0, end + 2) : undefined;
        text = text.slice(end + (inData ? 5 : 2));
        inData = false;
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        if (script({ verb, line, ...(data === undefined ? {} : { data }) }, socket)) continue;
        if (verb === 'EHLO')
          socket.write('250-hostile.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n');
        else if (verb === 'AUTH') socket.write('235 2.7.0 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return listen(peers, server);
}

async function listen(peers: Peers, server: Server): Promise<number> {
  peers.servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A config with one account whose IMAP and SMTP are the given ports, trusting the test cert. */
export function writeConfig(peers: Peers, imapPort: number, smtpPort = 9, extra = ''): string {
  const path = join(peers.dir, `config-${imapPort}-${smtpPort}.toml`);
  const account = [
    `${extra}[accounts.alice]`,
    'email = "alice@hostile.test"',
    'name = "Alice"',
    'password_env = "HOSTILE_PASSWORD"',
    `ca = "${peers.caPath}"`,
    `imap = { host = "127.0.0.1:${imapPort}", tls = "implicit" }`,
    `smtp = { host = "127.0.0.1:${smtpPort}", tls = "implicit" }`,
  ];
  writeFileSync(path, `${account.join('\n')}\n`);
  return path;
}

export interface WatchedRun {
  code: number | null;
  /** True when the safety timer had to kill it: the command did not end by itself. */
  killed: boolean;
  stdout: string;
  stderr: string;
  /** The highest RSS seen while it ran (sampled from /proc every 50 ms). */
  peakRss: number;
}

/** Runs the CLI as a child, sampling its RSS, killing it only if it outlives `killAfterMs`. */
export function runWatched(
  args: string[],
  peers: Peers,
  killAfterMs = 45_000,
): Promise<WatchedRun> {
  const env = { ...process.env, HOSTILE_PASSWORD: 'pw', XDG_STATE_HOME: peers.dir };
  const child = spawnMail(args, env);
  let stdout = '';
  let stderr = '';
  let peakRss = 0;
  let killed = false;
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, processUsage(child.pid!)?.rssBytes ?? 0);
  }, 50);
  const killer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sample);
      clearTimeout(killer);
      resolve({ code, killed, stdout, stderr, peakRss });
    });
  });
}

/** The coded error of a `--json` run: the last stderr line, parsed. */
export function jsonError(run: WatchedRun): { code: string; message: string } {
  const last = run.stderr.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(last) as { error: { code: string; message: string } }).error;
}

/**
 * Writes `piece` (or what `piece()` makes, afresh each time) to `socket` until it closes or
 * `maxBytes` went out, honouring backpressure (the client reads as slowly as it likes; the loop
 * waits for 'drain').
 */
export async function flood(
  socket: TLSSocket,
  piece: Buffer | (() => Buffer),
  maxBytes: number,
): Promise<void> {
  let sent = 0;
  while (sent < maxBytes && !socket.destroyed && socket.writable) {
    const chunk = typeof piece === 'function' ? piece() : piece;
    sent += chunk.length;
    if (!socket.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done).off('close', done);
          resolve();
        };
        socket.once('drain', done).once('close', done);
      });
  }
}
