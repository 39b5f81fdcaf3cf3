/** Server side of one SSH session channel: pty, env, window-change, signal, exec, shell, sftp. */
import type { IPty } from 'node-pty';
import type { PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import { runPipes, runPty } from './commands.ts';
import { forwardSignal } from './processes.ts';
import type { LogEntry } from './protocol.ts';
import { serveSftp } from './sftp-server.ts';

export interface SessionContext {
  user: string;
  from: string;
  shell: string;
  home: string;
  sftpRoot: string;
  env: NodeJS.ProcessEnv;
  envAllow: string[];
  noPty: boolean;
  forcedCommand?: string;
  /** Register a session leader started for `channel`; call the result when it has exited. */
  track(leader: number, channel: ServerChannel, pty: boolean): () => void;
  activity(): void;
  log(entry: Omit<LogEntry, 'time'>): void;
}

function allowed(name: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
}

export function handleSession(session: Session, ctx: SessionContext): void {
  let pty: PseudoTtyInfo | undefined;
  let term: IPty | undefined;
  let leader: number | undefined;
  const env: Record<string, string> = {};

  session.on('pty', (accept, reject, info) => {
    if (ctx.noPty || pty) return reject?.();
    pty = info;
    accept?.();
  });
  session.on('window-change', (accept, _reject, info) => {
    if (pty) pty = { ...pty, cols: info.cols, rows: info.rows };
    if (term && info.cols > 0 && info.rows > 0) term.resize(info.cols, info.rows);
    accept?.();
  });
  session.on('env', (accept, reject, info) => {
    if (!allowed(info.key, ctx.envAllow)) return reject?.();
    env[info.key] = info.val;
    accept?.();
  });
  session.on('signal', (accept, reject, info) => {
    if (leader !== undefined && forwardSignal(leader, info.name)) accept?.();
    else reject?.();
  });
  const start = (command: string | undefined, channel: ServerChannel) => {
    const run = ctx.forcedCommand ?? command;
    const kind = command === undefined ? 'shell' : 'exec';
    const began = Date.now();
    const childEnv: NodeJS.ProcessEnv = { ...ctx.env, ...env };
    if (ctx.forcedCommand && command !== undefined) childEnv.SSH_ORIGINAL_COMMAND = command;
    const finish = (exitCode: number | null, signal: string | null) =>
      ctx.log({
        event: 'session',
        kind,
        user: ctx.user,
        from: ctx.from,
        pty: pty !== undefined,
        ...(run !== undefined ? { command: run } : {}),
        exitCode,
        signal,
        durationMs: Date.now() - began,
      });
    const failed = (err: Error) => {
      channel.stderr.write(`ssh-shell: cannot start ${ctx.shell}: ${err.message}\r\n`);
      channel.exit(127);
      channel.end();
      finish(127, null);
    };
    const onLeader = (pid: number) => {
      leader = pid;
    };
    try {
      if (pty) term = runPty(run, pty, childEnv, ctx, channel, finish, onLeader);
      else runPipes(run, childEnv, ctx, channel, finish, onLeader).catch(failed);
    } catch (err) {
      failed(err as Error);
    }
  };
  session.on('exec', (accept, _reject, info) => start(info.command, accept()));
  session.on('shell', (accept) => start(undefined, accept()));
  session.on('sftp', (accept) => {
    const began = Date.now();
    const sftp = accept();
    serveSftp(sftp, ctx.sftpRoot, ctx.activity);
    sftp.on('close', () =>
      ctx.log({
        event: 'session',
        kind: 'sftp',
        user: ctx.user,
        from: ctx.from,
        exitCode: 0,
        signal: null,
        durationMs: Date.now() - began,
      }),
    );
  });
  session.on('subsystem', (_accept, reject) => reject?.());
}
