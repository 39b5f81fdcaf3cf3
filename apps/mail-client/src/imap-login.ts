/** Logging in on a lean IMAP connection: AUTHENTICATE PLAIN or XOAUTH2, else LOGIN. */
import { MailError } from './errors.ts';
import { imapString } from './imap-args.ts';
import type { ImapWire } from './imap-connection.ts';
import type { Credentials } from './secrets.ts';

/**
 * Authenticates. The secret never reaches --trace: the client lines carrying it are traced
 * as `****`. SASL-IR (RFC 4959) sends the initial response with the command, saving a round trip.
 * @throws {MailError} ERR_AUTH_FAILED when refused, ERR_TLS when the server wants TLS first.
 */
export async function login(
  wire: ImapWire,
  credentials: Credentials,
  label: string,
): Promise<void> {
  const caps = wire.capabilities;
  // setCapabilities replaces the set, so an unchanged object means none came with the reply.
  if (credentials.accessToken) {
    // XOAUTH2: base64("user=" user ^A "auth=Bearer " token ^A ^A).
    const xoauth = `user=${credentials.user}\x01auth=Bearer ${credentials.accessToken}\x01\x01`;
    await authenticate(wire, 'XOAUTH2', Buffer.from(xoauth).toString('base64'));
  } else if (caps.has('AUTH=PLAIN')) {
    const plain = `\0${credentials.user}\0${credentials.pass ?? ''}`;
    await authenticate(wire, 'PLAIN', Buffer.from(plain).toString('base64'));
  } else if (caps.has('LOGINDISABLED')) {
    throw new MailError('ERR_TLS', `${label}: the server refuses LOGIN on this connection`);
  } else {
    await wire.command(
      ['LOGIN ', imapString(credentials.user), ' ', imapString(credentials.pass ?? '')],
      undefined,
      'LOGIN ****',
    );
  }
  // The tagged OK usually carries the post-login capabilities (RFC 3501 §7.2.1 allows them to
  // change after login); ask when it did not.
  if (wire.capabilities === caps) await wire.command('CAPABILITY');
}

async function authenticate(wire: ImapWire, mechanism: string, response: string): Promise<void> {
  if (wire.capabilities.has('SASL-IR')) {
    await wire.command(
      `AUTHENTICATE ${mechanism} ${response}`,
      (challenge) => {
        // A `+` now is an error report (XOAUTH2 sends one as JSON); an empty line ends the exchange.
        if (challenge.tag === '+') wire.continueWith('', '');
      },
      `AUTHENTICATE ${mechanism} ****`,
    );
    return;
  }
  let sent = false;
  await wire.command(
    `AUTHENTICATE ${mechanism}`,
    (challenge) => {
      if (challenge.tag !== '+') return;
      wire.continueWith(sent ? '' : response, sent ? '' : '****');
      sent = true;
    },
    `AUTHENTICATE ${mechanism}`,
  );
}
