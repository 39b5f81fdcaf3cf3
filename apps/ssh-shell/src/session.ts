/** Server side of one SSH session channel: pty, env, window-change, signal, exec, shell, sftp. */
import type { IPty } from '@lydell/node-pty';
import type { PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import { runPipes } from './commands.ts';
import type { KeyRestrictions } from './key-options.ts';
import { isLegacyScp, LEGACY_SCP_REFUSAL } from './legacy-scp.ts';
import { forwardSignal } from './processes.ts';
import type { LogEntry } from './protocol.ts';
import { runPty } from './pty.ts';
import { serveSftp } from './sftp-server.ts';

export interface SessionContext {
  user: string;
  from: string;
  shell: string;
  home: string;
  sftpRoot: string;
  env: NodeJS.ProcessEnv;
  envAllow: string[];
  /** From the authorized_keys line that let the client in (none for a password login). */
  restrictions: KeyRestrictions;
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

  const forced = ctx.restrictions.command;
  const refuse = (reject: (() => void) | undefined, what: string, why: string) => {
    ctx.log({ event: 'refused', user: ctx.user, from: ctx.from, detail: `${what}: ${why}` });
    reject?.();
  };
  session.on('pty', (accept, reject, info) => {
    if (ctx.restrictions.noPty) return refuse(reject, 'pty-req', 'key has no-pty or restrict');
    if (pty) return reject?.();
    pty = info;
    accept?.();
  });
  // Without a listener ssh2 refuses these silently; we answer the same, saying why in the log.
  session.on('x11', (_accept, reject) =>
    refuse(
      reject,
      'x11-req',
      ctx.restrictions.noX11Forwarding ? 'key forbids it' : 'not supported',
    ),
  );
  session.on('auth-agent', (_accept, reject) =>
    refuse(
      reject,
      'auth-agent-req',
      ctx.restrictions.noAgentForwarding ? 'key forbids it' : 'not supported',
    ),
  );
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
  /**
   * exec (command), shell (undefined) or, under a forced command, a subsystem (its name). A
   * forced command replaces every one of them, as in sshd, and SSH_ORIGINAL_COMMAND says what
   * the client asked for; the client cannot set that variable itself.
   */
  const start = (command: string | undefined, channel: ServerChannel, subsystem?: string) => {
    if (forced === undefined && command !== undefined && isLegacyScp(command)) {
      refuse(undefined, `exec ${JSON.stringify(command.slice(0, 200))}`, 'legacy scp not served');
      channel.write(LEGACY_SCP_REFUSAL);
      channel.exit(1);
      channel.end();
      return;
    }
    const run = forced ?? command;
    const kind = command === undefined && subsystem === undefined ? 'shell' : 'exec';
    const began = Date.now();
    const childEnv: NodeJS.ProcessEnv = { ...ctx.env, ...env };
    delete childEnv.SSH_ORIGINAL_COMMAND;
    const asked = subsystem ?? command;
    if (forced !== undefined && asked !== undefined) childEnv.SSH_ORIGINAL_COMMAND = asked;
    const finish = (exitCode: number | null, signal: string | null) =>
      ctx.log({
        event: 'session',
        kind,
        user: ctx.user,
        from: ctx.from,
        pty: pty !== undefined,
        ...(run !== undefined ? { command: run } : {}),
        ...(forced !== undefined ? { detail: `forced command; asked: ${asked ?? 'shell'}` } : {}),
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
  session.on('subsystem', (accept, reject, info) => {
    if (forced === undefined) return refuse(reject, `subsystem ${info.name}`, 'not supported');
    start(undefined, accept(), info.name);
  });
  // Under a forced command there is no SFTP: ssh2 then hands `sftp` to 'subsystem' above.
  if (forced !== undefined) return;
  session.on('sftp', (accept) => {
    const began = Date.now();
    const sftp = accept();
    serveSftp(sftp, ctx.sftpRoot, ctx.activity, (why) => refuse(undefined, 'sftp', why));
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
}
