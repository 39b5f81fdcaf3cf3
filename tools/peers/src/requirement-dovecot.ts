/** What the Dovecot peer needs installed; a module of its own, so whoever starts only Dovecot carries no other peer's list. */
import type { Needs } from './install.ts';

/** Dovecot's IMAP, LMTP and submission services, and openssl for the dev certificates. */
export const DOVECOT = {
  packages: ['dovecot-imapd', 'dovecot-lmtpd', 'dovecot-submissiond', 'openssl'],
  paths: [
    '/usr/sbin/dovecot',
    '/usr/bin/openssl',
    '/usr/lib/dovecot/imap',
    '/usr/lib/dovecot/lmtp',
    '/usr/lib/dovecot/submission',
  ],
} as const satisfies Needs;
