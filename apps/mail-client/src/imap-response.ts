/** IMAP response parsing: a framed response -> tag, kind, response code, and its data as values. */
import { MailError } from './errors.ts';
import type { RawResponse } from './imap-reader.ts';

/** An atom or quoted string (string), a literal (Buffer), NIL (null), or a parenthesised list. */
export type ImapValue = string | Buffer | null | ImapValue[];

export interface ImapResponse {
  /** `*` (untagged), `+` (continuation request) or the command's tag. */
  tag: string;
  /** Upper-cased: OK, NO, BAD, BYE, PREAUTH, CAPABILITY, SEARCH, FLAGS, FETCH, EXISTS, ... */
  kind: string;
  /** The message number of `* n FETCH`, `* n EXISTS`, `* n EXPUNGE`. */
  number?: number;
  /** A status response's code, without brackets: `UIDVALIDITY 1795353599`, `NONEXISTENT`. */
  code?: string;
  /** A status or continuation response's human-readable text. */
  text: string;
  /** Everything after the kind, parsed (empty for status and continuation responses). */
  values: ImapValue[];
  /** The wire text (literals left as `{n}`), for --trace. */
  raw: string;
}

const STATUS = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);
// An atom runs up to RFC 3501 §9 atom-specials, but may carry `\` (flags like \Seen) and a
// bracketed section that holds spaces and parens (FETCH keys like BODY[HEADER.FIELDS (DATE)]).
// A `[` with no `]` runs the match to the end of the text, which the parser reports.
const ATOM = /(?:[^ ()"{\r\n[]|\[[^\]\r\n]*\]?)+/y;

/** Index of the `"` closing a quoted string whose body starts at `from`, or -1. */
function endOfQuoted(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c)
      i++; // backslash: the next character is literal
    else if (c === 0x22) return i;
  }
  return -1;
}

const garbage = (raw: string, why: string) =>
  new MailError(
    'ERR_SERVER',
    `unparseable server response (${why}): ${JSON.stringify(raw.slice(0, 80))}`,
  );

/**
 * Parses one framed response.
 * @throws {MailError} ERR_SERVER for anything that is not IMAP response syntax.
 */
export function parseResponse({ text, literals }: RawResponse): ImapResponse {
  const space = text.indexOf(' ');
  const tag = space < 0 ? text : text.slice(0, space);
  if (!tag) throw garbage(text, 'no tag');
  const rest = space < 0 ? '' : text.slice(space + 1);
  if (tag === '+') return { tag, kind: '+', text: rest, values: [], raw: text };
  let word = rest.slice(0, (rest.indexOf(' ') + 1 || rest.length + 1) - 1);
  let after = rest.slice(word.length + 1);
  let number: number | undefined;
  if (tag === '*' && /^\d{1,10}$/.test(word)) {
    number = Number(word);
    word = after.slice(0, (after.indexOf(' ') + 1 || after.length + 1) - 1);
    after = after.slice(word.length + 1);
  }
  const kind = word.toUpperCase();
  if (!/^[A-Z][A-Z0-9.=-]*$/.test(kind)) throw garbage(text, 'no response kind');
  const base = { tag, kind, raw: text, ...(number === undefined ? {} : { number }) };
  if (STATUS.has(kind)) {
    if (after.startsWith('[')) {
      const close = after.indexOf(']');
      if (close < 0) throw garbage(text, 'unterminated response code');
      return {
        ...base,
        code: after.slice(1, close),
        text: after.slice(close + 1).trim(),
        values: [],
      };
    }
    return { ...base, text: after, values: [] };
  }
  if (tag !== '*') throw garbage(text, 'a tagged response that is not OK, NO or BAD');
  return { ...base, text: '', values: parseValues(after, literals, text) };
}

/** Parses a sequence of values (the data of an untagged response). */
export function parseValues(text: string, literals: Buffer[], raw = text): ImapValue[] {
  let at = 0;
  let nextLiteral = 0;
  const stack: ImapValue[][] = [[]];
  while (at < text.length) {
    const c = text[at]!;
    const top = stack[stack.length - 1]!;
    if (c === ' ') {
      at++;
    } else if (c === '(') {
      const list: ImapValue[] = [];
      top.push(list);
      stack.push(list);
      if (stack.length > 64) throw garbage(raw, 'lists nested too deep');
      at++;
    } else if (c === ')') {
      if (stack.length === 1) throw garbage(raw, 'unbalanced )');
      stack.pop();
      at++;
    } else if (c === '"') {
      const close = endOfQuoted(text, at + 1);
      if (close < 0) throw garbage(raw, 'unterminated quoted string');
      const body = text.slice(at + 1, close);
      top.push(body.includes('\\') ? body.replace(/\\(.)/g, '$1') : body);
      at = close + 1;
    } else if (c === '{') {
      // The reader cut the literal's bytes out after this marker; the line goes on after it.
      const marker = /^\{(\d{1,10})\+?\}/.exec(text.slice(at, at + 14));
      const literal = literals[nextLiteral++];
      if (!marker || !literal || literal.length !== Number(marker[1]))
        throw garbage(raw, 'literal marker without its literal');
      top.push(literal);
      at += marker[0].length;
    } else {
      ATOM.lastIndex = at;
      const atom = ATOM.exec(text)?.[0];
      if (!atom) throw garbage(raw, `unexpected character ${JSON.stringify(c)}`);
      if (atom.lastIndexOf('[') > atom.lastIndexOf(']')) throw garbage(raw, 'unterminated [');
      top.push(atom.length === 3 && atom.toUpperCase() === 'NIL' ? null : atom);
      at += atom.length;
    }
  }
  if (stack.length !== 1) throw garbage(raw, 'unbalanced (');
  return stack[0]!;
}

/** A tagged NO/BAD as a MailError: the code inside brackets picks the MailError code. */
export function commandError(response: ImapResponse, label: string): MailError {
  const code = response.code?.split(' ')[0]?.toUpperCase();
  const what = `${label}: ${response.kind} ${response.code ? `[${response.code}] ` : ''}${response.text}`;
  if (code === 'AUTHENTICATIONFAILED' || code === 'AUTHORIZATIONFAILED')
    return new MailError(
      'ERR_AUTH_FAILED',
      `${label}: authentication failed (check user and password)`,
    );
  if (code === 'NONEXISTENT') return new MailError('ERR_UNKNOWN_FOLDER', what);
  return new MailError('ERR_SERVER', what);
}
