/** Command deadlines: every IMAP and SMTP command must complete within `--timeout` seconds. */
import { MailError } from './errors.ts';

/** 30 s: far above a healthy server's answer, short enough that a stall is noticed. */
export const DEFAULT_TIMEOUT_S = 30;

/** `FETCH 42 timed out after 30 s`: which command's deadline passed, and how long it was. */
export function timeoutError(label: string, command: string, ms: number): MailError {
  return new MailError(
    'ERR_TIMEOUT',
    `${label}: ${command} timed out after ${ms / 1000} s (raise --timeout for slow servers)`,
  );
}

/** The command name for messages: its first words, without literals or long argument lists. */
export function commandName(text: string): string {
  const name = text.split(/[\r\n({]/)[0]!.trim();
  return name.length > 60 ? `${name.slice(0, 59)}…` : name;
}

/**
 * Runs `run` (one command on a library connection) with a deadline. When it passes,
 * `onExpire` tears the connection down (a command cannot be taken back once sent, so the
 * connection is unusable) and the promise rejects with ERR_TIMEOUT naming the command; the
 * library's own late rejection is swallowed.
 */
export function withDeadline<T>(
  run: () => Promise<T>,
  options: { ms: number; label: string; command: string; onExpire: () => void },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(timeoutError(options.label, options.command, options.ms));
      options.onExpire();
    }, options.ms);
    run().then(
      (value) => {
        clearTimeout(timer);
        if (!expired) resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!expired) reject(error);
      },
    );
  });
}

/**
 * Reads a number of seconds (`--timeout 30`, or `timeout = 30` in the config): decimals allowed,
 * 0.1 s to an hour. Returns milliseconds, or undefined when the value is not such a number.
 */
export function secondsToMs(value: string | number): number | undefined {
  const seconds =
    typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  return seconds >= 0.1 && seconds <= 3600 ? Math.round(seconds * 1000) : undefined;
}
