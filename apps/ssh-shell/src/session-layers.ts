/** Layers over a session channel: pty, env, window-change, signal, shell, subsystem, SFTP, forced commands, legacy scp, the log. */
import type { IPty } from '@lydell/node-pty';
import type { PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import { type Job, runCommand } from './commands.ts';
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

/** What the core asks of a session's layers. */
export interface SessionLayers {
  /**
   * An exec request: the job to run on pipes, or undefined when a layer answered it already
   * (a PTY was asked for, legacy scp is refused). A forced command replaces what was asked.
   */
  exec(command: string, channel: ServerChannel): Job | undefined;
}

function allowed(name: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
}

export function sessionLayers(session: Session, ctx: SessionContext): SessionLayers {
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
  const forbids = (no: boolean) => (no ? 'key forbids it' : 'not supported');
  session.on('x11', (_accept, reject) =>
    refuse(reject, 'x11-req', forbids(ctx.restrictions.noX11Forwarding)),
  );
  session.on('auth-agent', (_accept, reject) =>
    refuse(reject, 'auth-agent-req', forbids(ctx.restrictions.noAgentForwarding)),
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
   * the client asked for; the client cannot set that variable itself. Returns the job for
   * pipes, or undefined once a PTY runs it or it was refused.
   */
  const prepare = (command: string | undefined, channel: ServerChannel, subsystem?: string) => {
    if (forced === undefined && command !== undefined && isLegacyScp(command)) {
      refuse(undefined, `exec ${JSON.stringify(command.slice(0, 200))}`, 'legacy scp not served');
      channel.write(LEGACY_SCP_REFUSAL);
      channel.exit(1);
      channel.end();
      return undefined;
    }
    const run = forced ?? command;
    const kind = command === undefined && subsystem === undefined ? 'shell' : 'exec';
    const began = Date.now();
    const childEnv: NodeJS.ProcessEnv = { ...ctx.env, ...env };
    delete childEnv.SSH_ORIGINAL_COMMAND;
    const asked = subsystem ?? command;
    if (forced !== undefined && asked !== undefined) childEnv.SSH_ORIGINAL_COMMAND = asked;
    const onPty = pty !== undefined;
    const job: Job = {
      command: run,
      shell: ctx.shell,
      home: ctx.home,
      env: childEnv,
      activity: ctx.activity,
      started: (pid, ch) => {
        leader = pid;
        return ctx.track(pid, ch, onPty);
      },
      finish: (exitCode, signal) =>
        ctx.log({
          event: 'session',
          kind,
          user: ctx.user,
          from: ctx.from,
          pty: onPty,
          ...(run !== undefined ? { command: run } : {}),
          ...(forced !== undefined ? { detail: `forced command; asked: ${asked ?? 'shell'}` } : {}),
          exitCode,
          signal,
          durationMs: Date.now() - began,
        }),
    };
    if (!pty) return job;
    try {
      term = runPty(job, pty, channel);
    } catch (err) {
      channel.stderr.write(`ssh-shell: cannot start ${ctx.shell}: ${(err as Error).message}\r\n`);
      channel.exit(127);
      channel.end();
      job.finish(127, null);
    }
    return undefined;
  };
  const start = (command: string | undefined, channel: ServerChannel, subsystem?: string) => {
    const job = prepare(command, channel, subsystem);
    if (job) void runCommand(job, channel);
  };
  session.on('shell', (accept) => start(undefined, accept()));
  session.on('subsystem', (accept, reject, info) => {
    if (forced === undefined) return refuse(reject, `subsystem ${info.name}`, 'not supported');
    start(undefined, accept(), info.name);
  });
  // Under a forced command there is no SFTP: ssh2 then hands `sftp` to 'subsystem' above.
  if (forced === undefined) {
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
  return { exec: (command, channel) => prepare(command, channel) };
}
