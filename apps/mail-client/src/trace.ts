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

/** A logger for imapflow's `logger` option: protocol lines as `C:`/`S:`, the rest dropped. */
export function imapTraceLogger(sink: TraceSink, mask: (line: string) => string) {
  const write = (entry: ImapLogEntry) => {
    if (entry.src !== 'c' && entry.src !== 's') return;
    const prefix = entry.src === 'c' ? 'IMAP C:' : 'IMAP S:';
    for (const line of String(entry.msg ?? '').split(/\r?\n/))
      if (line) sink(mask(`${prefix} ${line}`));
  };
  const quiet = () => {};
  return { debug: write, info: quiet, warn: quiet, error: quiet, trace: quiet, fatal: quiet };
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
