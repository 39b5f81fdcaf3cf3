/** The relay: an SMTP server (smtp-server) that Dovecot's submission relays to, delivering over LMTP. */
import { isIP } from 'node:net';
import { debuglog } from 'node:util';
import { type Endpoint, formatEndpoint } from '@netlab/addressing/endpoint';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { socketHost } from './client.ts';

const debug = debuglog('mail-client');

export interface RelayOptions {
  /** Where to deliver (Dovecot's LMTP listener); may be set later with `setLmtp`. */
  lmtp?: Endpoint;
  /** Largest message accepted, in bytes (announced as SIZE, RFC 1870). Default 25 MiB. */
  maxSize?: number;
  /** Called once per delivered message, e.g. for logs. */
  onDelivered?: (info: {
    from: string;
    accepted: string[];
    rejected: string[];
    bytes: number;
  }) => void;
}

export interface Relay {
  listen(endpoint: Endpoint): Promise<Endpoint>;
  setLmtp(endpoint: Endpoint): void;
  close(): Promise<void>;
}

const isLoopback = (address: string) =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/**
 * Creates the relay (it does not listen until `listen`). Only loopback peers may connect and no
 * AUTH or STARTTLS is offered: it is the last hop of a local stack, behind Dovecot's submission
 * service, which is where users authenticate.
 */
export function createServer(options: RelayOptions = {}): Relay {
  let lmtp = options.lmtp;
  const maxSize = options.maxSize ?? 25 * 1024 * 1024;
  const server = new SMTPServer({
    name: 'relay.netlab.test',
    banner: 'netlab relay: delivers over LMTP',
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: maxSize,
    maxClients: 50,
    logger: false,
    onConnect(session, callback) {
      if (isLoopback(session.remoteAddress)) return callback();
      callback(
        Object.assign(new Error('relay accepts loopback clients only'), { responseCode: 554 }),
      );
    },
    onData(stream, session, callback) {
      if (!lmtp)
        return callback(
          Object.assign(new Error('relay has no LMTP target yet'), { responseCode: 451 }),
        );
      deliver(stream, session, lmtp, options)
        .then(() => callback())
        .catch((error: Error & { responseCode?: number }) => {
          debug('relay: delivery failed: %s', error.message);
          callback(
            Object.assign(new Error(error.message), { responseCode: error.responseCode ?? 451 }),
          );
        });
    },
  });
  server.on('error', (error) => debug('relay: %s', error.message));
  return {
    listen(endpoint) {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(endpoint.port, socketHost(endpoint), () => {
          server.server.off('error', reject);
          const address = server.server.address();
          const port = typeof address === 'object' && address ? address.port : endpoint.port;
          resolve({
            ...endpoint,
            port,
            family: isIP(endpoint.host) === 6 ? 'ipv6' : endpoint.family,
          });
        });
      });
    },
    setLmtp(endpoint) {
      lmtp = endpoint;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Reads the message (bounded by SIZE) and hands it to the LMTP server, one transaction. */
async function deliver(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  lmtp: Endpoint,
  options: RelayOptions,
) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded)
    throw Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 });
  const raw = Buffer.concat(chunks);
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const to = session.envelope.rcptTo.map((r) => r.address);
  // LMTP (RFC 2033) over loopback to Dovecot: plain text, no STARTTLS to negotiate.
  const transport = nodemailer.createTransport({
    lmtp: true,
    host: socketHost(lmtp),
    port: lmtp.port,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({ envelope: { from, to }, raw });
    const accepted = info.accepted.map(String);
    const rejected = info.rejected.map(String);
    debug(
      'relay: %s -> %s via LMTP %s (rejected: %s)',
      from,
      accepted.join(','),
      formatEndpoint(lmtp),
      rejected.join(',') || 'none',
    );
    options.onDelivered?.({ from, accepted, rejected, bytes: raw.length });
  } finally {
    transport.close();
  }
}
