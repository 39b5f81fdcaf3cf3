/** What an authenticated client connection offers: exec, shell (PTY), sftp, end. */
import type { Readable, Writable } from 'node:stream';
import type ssh2 from 'ssh2';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { SshShellError } from './errors.ts';
import type { ExecResult } from './protocol.ts';

export interface ExecIO {
  stdout: Writable;
  stderr: Writable;
  /** Sent as the command's input; without it the command sees EOF at once (like ssh -n). */
  stdin?: Readable;
  env?: Record<string, string>;
  /** Ask for a PTY (like `ssh -t`): one output stream, and a hangup ends the command. */
  pty?: boolean;
  /**
   * When aborted: a `signal` request (TERM) for the command, then the channel is closed.
   * RFC 4254 §6.9 lets the server ignore it: sshd 9.2 does for root logins ("session
   * signalling requires privilege separation"), and without a PTY the command then runs on.
   */
  abort?: AbortSignal;
}

export interface ShellIO {
  stdin: Readable;
  stdout: Writable;
  term: string;
  cols: number;
  rows: number;
  env?: Record<string, string>;
  /** Called with a function that sends window-change; wire it to SIGWINCH. */
  onResize?: (resize: (cols: number, rows: number) => void) => void;
}

export interface SshConnection {
  client: ssh2.Client;
  exec(command: string, io: ExecIO): Promise<ExecResult>;
  shell(io: ShellIO): Promise<ExecResult>;
  sftp(): Promise<SFTPWrapper>;
  end(): Promise<void>;
}

/** Resolve with the exit status once the channel closes; a lost connection rejects. */
function awaitExit(client: ssh2.Client, stream: ClientChannel): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const result: ExecResult = { exitCode: null, signal: null };
    const lost = () =>
      reject(new SshShellError('ERR_DISCONNECTED', 'connection closed before the command ended'));
    client.once('close', lost);
    stream.on('exit', (code: number | null, signal?: string) => {
      if (typeof code === 'number') result.exitCode = code;
      else result.signal = signal ? signal.replace(/^SIG/, '') : null; // RFC 4254 names: TERM
    });
    stream.once('close', () => {
      client.off('close', lost);
      resolve(result);
    });
  });
}

export function wrap(client: ssh2.Client): SshConnection {
  const channelError = (err: Error) =>
    new SshShellError('ERR_CHANNEL', err.message, { cause: err });
  let closed = false;
  client.once('close', () => {
    closed = true;
  });
  return {
    client,
    exec: (command, io) =>
      new Promise((resolve, reject) => {
        const opts = { ...(io.env ? { env: io.env } : {}), ...(io.pty ? { pty: true } : {}) };
        client.exec(command, opts, (err, stream) => {
          if (err) return reject(channelError(err));
          const stop = () => {
            stream.signal('TERM');
            stream.close();
          };
          if (io.abort?.aborted) stop();
          else io.abort?.addEventListener('abort', stop, { once: true });
          stream.once('close', () => io.abort?.removeEventListener('abort', stop));
          stream.pipe(io.stdout, { end: false });
          stream.stderr.pipe(io.stderr, { end: false });
          if (io.stdin) io.stdin.pipe(stream);
          else stream.end();
          awaitExit(client, stream).then(resolve, reject);
        });
      }),
    shell: (io) =>
      new Promise((resolve, reject) => {
        const win = { term: io.term, cols: io.cols, rows: io.rows };
        client.shell(win, io.env ? { env: io.env } : {}, (err, stream) => {
          if (err) return reject(channelError(err));
          io.onResize?.((cols, rows) => stream.setWindow(rows, cols, 0, 0));
          io.stdin.pipe(stream);
          stream.pipe(io.stdout, { end: false });
          awaitExit(client, stream).then((r) => {
            io.stdin.unpipe(stream);
            resolve(r);
          }, reject);
        });
      }),
    sftp: () =>
      new Promise((resolve, reject) =>
        client.sftp((err, sftp) =>
          err ? reject(new SshShellError('ERR_SFTP', err.message, { cause: err })) : resolve(sftp),
        ),
      ),
    end: () =>
      new Promise((resolve) => {
        if (closed) return resolve();
        client.once('close', () => resolve());
        client.end();
      }),
  };
}
