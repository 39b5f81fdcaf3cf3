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

export interface DeadlineOptions {
  ms: number;
  label: string;
  command: string;
  /** Tears the connection down: a command cannot be taken back once sent. */
  onExpire: () => void;
  /**
   * How much the process may grow (RSS) while the command runs; sampled every 100 ms. For a
   * library whose parser has no bound of its own on what one response may cost (see client.ts).
   */
  maxGrowthBytes?: number;
}

/**
 * Runs `run` (one command on a library connection) with a deadline, and optionally a bound on
 * the memory it may take. Past either, `onExpire` drops the connection and the promise rejects
 * with ERR_TIMEOUT naming the command (or ERR_TOO_LARGE); the library's late rejection is
 * swallowed.
 */
export function withDeadline<T>(run: () => Promise<T>, options: DeadlineOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(sampler);
      settle();
    };
    const expire = (error: MailError) =>
      finish(() => {
        reject(error);
        options.onExpire();
      });
    const timer = setTimeout(
      () => expire(timeoutError(options.label, options.command, options.ms)),
      options.ms,
    );
    const start = process.memoryUsage.rss();
    const max = options.maxGrowthBytes;
    const sampler =
      max === undefined
        ? undefined
        : setInterval(() => {
            if (process.memoryUsage.rss() - start <= max) return;
            const why = `the server's answer to ${options.command} grew the client by more than ${max / 1024 / 1024} MiB`;
            expire(new MailError('ERR_TOO_LARGE', `${options.label}: ${why}`));
          }, 100);
    run().then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
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
