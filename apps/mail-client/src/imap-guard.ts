/** The hardening layer around imapflow: bounds per response, a deadline and growth bound per command, dropped and unreadable responses made errors. */
import type { ImapFlow } from 'imapflow';
import { withDeadline } from './deadline.ts';
import { MailError, toMailError } from './errors.ts';

/** The largest message (one IMAP literal) the client takes in. */
export const MAX_LITERAL = 128 * 1024 * 1024;

/**
 * How much one imapflow command may grow the process. imapflow bounds bytes (the limits below)
 * but not what it builds from them: a response of endless one-byte literals, or a flood of
 * unsolicited FETCH lines (fetchOne collects them all), costs ~100 bytes of objects per few
 * bytes of wire, within every byte limit. Four times the largest message leaves room for a
 * real one (imapflow joins its chunks: two copies) and stops the attack.
 */
export const MAX_COMMAND_GROWTH = 4 * MAX_LITERAL;

/** Bounds on one server response, and on what one command may grow the process. */
export interface ResponseLimits {
  maxLiteralSize: number;
  maxLineLength: number;
  maxResponseSize: number;
  maxGrowthBytes: number;
}

/**
 * A session that reads messages: one literal (a whole message) up to 128 MiB, a line (e.g. a
 * SEARCH result on a huge folder) up to 64 MiB. Past them imapflow fails the connection.
 */
const MESSAGE_LIMITS: ResponseLimits = {
  maxLiteralSize: MAX_LITERAL,
  maxLineLength: 64 * 1024 * 1024,
  maxResponseSize: MAX_LITERAL + 64 * 1024 * 1024,
  maxGrowthBytes: MAX_COMMAND_GROWTH,
};

/**
 * A session that only lists. A literal is one message's header fields (1 MiB, mailparser's own
 * header bound); a line is at most 4 MiB, which holds a SEARCH result of ~500,000 UIDs (Python's
 * imaplib stops at 1 MB). imapflow turns each token of a response into an object (~100 bytes
 * for 2 bytes of wire: `1 ` in a SEARCH, `{1}` literals in a FETCH), so the byte bounds are
 * also what keeps the number of SEARCH results and of literals per response bounded: a few
 * hundred MB at worst, and the growth bound stops a flood of many such responses.
 */
export const LISTING_LIMITS: ResponseLimits = {
  maxLiteralSize: 1024 * 1024,
  maxLineLength: 4 * 1024 * 1024,
  maxResponseSize: 5 * 1024 * 1024,
  maxGrowthBytes: 128 * 1024 * 1024,
};

/** The limits a session gets: tight for list and search, room for whole messages otherwise. */
export function responseLimits(options: { listingOnly?: boolean }): ResponseLimits {
  return options.listingOnly ? LISTING_LIMITS : MESSAGE_LIMITS;
}

/** What imapflow only logs, handed to the guard by the session's logger (see trace.ts). */
export interface LogHooks {
  onUnreadable?: (line: string) => void;
  onGreeting?: (line: string) => void;
}

/**
 * The guard of one imapflow session. imapflow 2.1.2 leaves three things to its caller (pinned in
 * imapflow-gaps.test.ts): a response it cannot parse is only logged, and the command completes
 * as if the server had sent nothing; why it dropped a connection (LiteralTooLarge...) comes only
 * as an 'error' event while the command hears NoConnection, or, for search, resolves `false`;
 * and nothing bounds the objects it builds within its byte limits.
 */
export function createGuard(label: string, timeoutMs: number, limits: ResponseLimits) {
  let unreadable: string | undefined;
  let notImap: string | undefined;
  let dropped: unknown;
  let droppedNow: unknown;
  let imap: ImapFlow | undefined;
  const logHooks: LogHooks = {
    onUnreadable: (line) => {
      unreadable ??= line;
    },
    // RFC 3501 §7.1: an IMAP server greets with an untagged OK, PREAUTH or BYE. imapflow waits
    // out its greeting timeout on anything else (an SMTP banner, say): fail at once instead.
    onGreeting: (greeting) => {
      if (/^\* (OK|PREAUTH|BYE)\b/i.test(greeting)) return;
      notImap = greeting;
      imap?.close();
    },
  };
  /** Runs one imapflow command under the deadline and growth bound; errors come back coded. */
  const call = <T>(command: string, run: () => Promise<T>): Promise<T> => {
    unreadable = undefined;
    droppedNow = undefined;
    const checked = async () => {
      const value = await run();
      if (droppedNow !== undefined) throw droppedNow;
      if (unreadable !== undefined)
        throw new MailError(
          'ERR_SERVER',
          `${label}: ${command}: the server sent a response the client cannot read: ${unreadable.slice(0, 80)}`,
        );
      return value;
    };
    // A passed deadline leaves a command half-done on the wire: the connection is dropped.
    return withDeadline(checked, {
      ms: timeoutMs,
      label,
      command,
      onExpire: () => imap?.close(),
      maxGrowthBytes: limits.maxGrowthBytes,
    }).catch((error: unknown) => {
      const lost = (error as { code?: string }).code === 'NoConnection';
      throw toMailError(lost && dropped ? dropped : error, label);
    });
  };
  return {
    logHooks,
    /** Watches `session`'s 'error' events; returns its `call`. */
    attach(session: ImapFlow) {
      imap = session;
      session.on('error', (error: unknown) => {
        dropped ??= error;
        droppedNow ??= error;
      });
      return call;
    },
    /** The error for a failed connect: ERR_CONNECT when the peer was not an IMAP server. */
    connectError(error: unknown): unknown {
      if (notImap === undefined) return error;
      const greeting = JSON.stringify(notImap.slice(0, 60));
      return new MailError(
        'ERR_CONNECT',
        `${label} is not an IMAP server: it greeted with ${greeting}`,
        {
          cause: error,
        },
      );
    },
  };
}
