/** `demo`: start the server, run a command and a scripted PTY session through our client, check both. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { color } from '@netlab/cli';
import { connect } from './client.ts';
import { SshShellError } from './errors.ts';
import { loadIdentities } from './identity.ts';
import { generateEd25519, loadOrCreateHostKey } from './keys.ts';
import { createServer } from './server.ts';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new SshShellError('ERR_CHANNEL', `demo check failed: ${what}`);
  process.stdout.write(`  ${color.green('ok')} ${what}\n`);
}

export async function runDemo(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-shell-demo-'));
  const pair = generateEd25519('demo user');
  writeFileSync(join(dir, 'id_ed25519'), pair.private, { mode: 0o600 });
  writeFileSync(join(dir, 'authorized_keys'), `${pair.public}\n`);
  const hostKey = loadOrCreateHostKey(join(dir, 'state'));
  const server = createServer({
    hostKey: hostKey.privateKey,
    authorizedKeysFile: join(dir, 'authorized_keys'),
    home: dir,
    sftpRoot: dir,
    onLog: (e) =>
      e.event === 'session' &&
      process.stdout.write(
        color.dim(
          `  server log: ${e.kind}${e.pty ? '+pty' : ''} ${JSON.stringify(e.command ?? '')} exit=${e.exitCode}\n`,
        ),
      ),
  });
  try {
    const addr = await server.listen(0, '127.0.0.1');
    process.stdout.write(`server on 127.0.0.1:${addr.port}, host key ${hostKey.fingerprint}\n`);
    const conn = await connect({
      host: '127.0.0.1',
      port: addr.port,
      username: userInfo().username,
      knownHostsFile: join(dir, 'known_hosts'),
      acceptNew: true,
      identities: loadIdentities([join(dir, 'id_ed25519')]),
    });
    try {
      process.stdout.write('1. exec: echo to stdout and stderr, exit 3\n');
      const out = new PassThrough();
      const err = new PassThrough();
      const [stdout, stderr] = [collect(out), collect(err)];
      const r = await conn.exec('echo "hello from $(uname -s)"; echo warning >&2; exit 3', {
        stdout: out,
        stderr: err,
      });
      check(stdout() === 'hello from Linux\n', `stdout ${JSON.stringify(stdout())}`);
      check(stderr() === 'warning\n', `stderr ${JSON.stringify(stderr())}`);
      check(r.exitCode === 3, `exit status ${r.exitCode}`);

      process.stdout.write('2. shell with a PTY (80x24, xterm), resized to 100x40, then exit 7\n');
      const stdin = new PassThrough();
      const screen = new PassThrough();
      const seen = collect(screen);
      let resize: ((c: number, r: number) => void) | undefined;
      const done = conn.shell({
        stdin,
        stdout: screen,
        term: 'xterm',
        cols: 80,
        rows: 24,
        onResize: (f) => (resize = f),
      });
      const waitFor = async (text: string, tries = 100) => {
        for (let i = 0; i < tries && !seen().includes(text); i++)
          await new Promise((res) => setTimeout(res, 50));
        return seen().includes(text);
      };
      stdin.write('stty size; echo "term=$TERM"\n');
      check(await waitFor('term=xterm'), 'TERM reached the shell');
      check(seen().includes('24 80'), 'terminal is 24 rows x 80 columns');
      resize!(100, 40);
      // window-change is a channel request of its own, applied when it arrives: ask the shell
      // again until it sees the new size (bounded), rather than guessing how long that takes.
      let resized = false;
      for (let i = 0; i < 50 && !resized; i++) {
        stdin.write('stty size\n');
        resized = await waitFor('40 100', 4);
      }
      stdin.write('exit 7\n');
      const shell = await done;
      check(resized, 'window-change made it 40 x 100');
      check(shell.exitCode === 7, `shell exit status ${shell.exitCode}`);
    } finally {
      await conn.end();
    }
    process.stdout.write(color.green('demo passed\n'));
    return 0;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
