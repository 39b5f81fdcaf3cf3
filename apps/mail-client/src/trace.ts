/** --trace: prints the IMAP and SMTP conversations on stderr, credentials masked. */
import { format } from 'node:util';

export type TraceSink = (line: string) => void;

/** Masks secrets in a protocol line: known secret values and any SASL initial response. */
export function createMasker(secrets: string[]): (line: string) => string {
  const needles = secrets
    .filter((s) => s.length >= 3)
    .flatMap((s) => [s, Buffer.from(s).toString('base64')]);
  return (line) => {
    let out = line.replace(
      /\b(AUTH(?:ENTICATE)?\s+(?:PLAIN|LOGIN|XOAUTH2|OAUTHBEARER)\s+)\S+/gi,
      '$1****',
    );
    for (const needle of needles) out = out.split(needle).join('****');
    return out;
  };
}

interface ImapLogEntry {
  src?: string;
  msg?: string;
  cid?: string;
  err?: { message?: string };
}

/**
 * A logger for imapflow's `logger` option. With `trace` (--trace), protocol lines go out as
 * `C:`/`S:` (FETCH responses come at trace level, the rest at debug). Either way, an error about
 * server data (`src: 's'`: a response imapflow could not parse and dropped) goes to
 * `onUnreadable`, so that the session can fail the command instead of ignoring it.
 */
export function imapLogger(options: {
  trace?: TraceSink;
  mask: (line: string) => string;
  onUnreadable?: (line: string) => void;
  /** Gets the server's first line (the greeting), to check that an IMAP server answered. */
  onGreeting?: (line: string) => void;
}) {
  const { trace, mask } = options;
  let greeted = false;
  const write = (entry: ImapLogEntry) => {
    if (!greeted && entry.src === 's') {
      greeted = true;
      options.onGreeting?.(String(entry.msg ?? ''));
    }
    if (!trace || (entry.src !== 'c' && entry.src !== 's')) return;
    const prefix = entry.src === 'c' ? 'IMAP C:' : 'IMAP S:';
    for (const line of String(entry.msg ?? '').split(/\r?\n/))
      if (line) trace(mask(`${prefix} ${line}`));
  };
  const error = (entry: ImapLogEntry) => {
    if (entry.src === 's') options.onUnreadable?.(String(entry.msg ?? ''));
  };
  const quiet = () => {};
  return { debug: write, trace: write, info: quiet, warn: quiet, error, fatal: quiet };
}

/** A bunyan-shaped logger for nodemailer (`logger` + `debug: true`): SMTP lines as `C:`/`S:`. */
export function smtpTraceLogger(sink: TraceSink, mask: (line: string) => string) {
  const write = (meta: { tnx?: string }, message: string, ...args: unknown[]) => {
    if (meta?.tnx !== 'client' && meta?.tnx !== 'server') return;
    const prefix = meta.tnx === 'client' ? 'SMTP C:' : 'SMTP S:';
    for (const line of format(message, ...args).split(/\r?\n/))
      if (line) sink(mask(`${prefix} ${line}`));
  };
  const quiet = () => {};
  return {
    debug: write,
    info: write,
    warn: quiet,
    error: quiet,
    trace: quiet,
    fatal: quiet,
    level: quiet,
  };
}
