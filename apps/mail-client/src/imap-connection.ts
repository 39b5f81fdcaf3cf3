/** A lean IMAP connection: one command at a time, untagged responses streamed to the caller. */
import { Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { commandName, DEFAULT_TIMEOUT_S, timeoutError } from './deadline.ts';
import { MailError, toMailError } from './errors.ts';
import { type CommandPart, encodeCommand } from './imap-args.ts';
import { DEFAULT_LIMITS, ResponseReader } from './imap-reader.ts';
import { commandError, type ImapResponse, parseResponse } from './imap-response.ts';
import type { TraceSink } from './trace.ts';

export interface WireOptions {
  host: string;
  port: number;
  /** Host name for SNI and certificate checks (omitted for IP literals, as RFC 6066 says). */
  servername?: string;
  tls: 'implicit' | 'starttls';
  tlsOptions: ConnectionOptions;
  /** Names the server in errors: `IMAP 127.0.0.1:993`. */
  label: string;
  trace?: TraceSink;
  mask?: (line: string) => string;
  /** The deadline of each command, from sending it to its tagged completion (default 30 s). */
  timeoutMs?: number;
}

interface Pending {
  tag: string;
  onUntagged?: (response: ImapResponse) => void;
  /** Literals still to send, each after the server's `+` (when LITERAL+ is not offered). */
  waiting: Buffer[];
  resolve: (done: ImapResponse) => void;
  reject: (error: MailError) => void;
  /** The first error an untagged handler threw; the command fails with it once it completes. */
  error?: unknown;
  /** The command's deadline timer, and its name for the ERR_TIMEOUT message. */
  timer?: NodeJS.Timeout;
  name: string;
}

/**
 * One socket speaking IMAP. `open` resolves after the greeting (and STARTTLS, when asked); then
 * `command` sends one command and resolves with its tagged OK, rejecting on NO/BAD.
 */
export class ImapWire {
  capabilities = new Set<string>();
  private reader = new ResponseReader(DEFAULT_LIMITS);
  private pending: Pending | undefined;
  private greeting: ((r: ImapResponse) => void) | undefined;
  private counter = 0;
  private closed: MailError | undefined;
  private closeListeners: (() => void)[] = [];

  private constructor(
    private socket: Socket | TLSSocket,
    private readonly options: WireOptions,
  ) {}

  /** Connects, reads the greeting and, for `starttls`, upgrades before anything else is sent. */
  static async open(options: WireOptions): Promise<ImapWire> {
    const { host, port, servername, tlsOptions } = options;
    const implicit = options.tls === 'implicit';
    const socket = implicit
      ? tlsConnect({ host, port, ...(servername ? { servername } : {}), ...tlsOptions })
      : new Socket().connect({ host, port });
    const wire = new ImapWire(socket, options);
    wire.attach();
    const greeting = await wire.readGreeting();
    if (greeting.code?.startsWith('CAPABILITY ')) wire.setCapabilities(greeting.code);
    if (!implicit) await wire.startTls();
    if (!wire.capabilities.size) await wire.command('CAPABILITY');
    return wire;
  }

  /** Sends `tag parts...` and resolves with the tagged OK; untagged responses go to `onUntagged`. */
  command(
    parts: CommandPart | CommandPart[],
    onUntagged?: (response: ImapResponse) => void,
    traceAs?: string,
  ): Promise<ImapResponse> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.pending) throw new Error('ImapWire runs one command at a time');
    const tag = `L${++this.counter}`;
    const { first, waiting, text } = encodeCommand(tag, parts, this.capabilities.has('LITERAL+'));
    this.traceOut(traceAs ? `${tag} ${traceAs}` : text);
    return new Promise((resolve, reject) => {
      const name = commandName(traceAs ?? text.slice(tag.length + 1));
      this.pending = this.deadline({ tag, onUntagged, waiting, resolve, reject, name });
      this.socket.write(first);
    });
  }

  /**
   * Arms a pending exchange's deadline. It runs from the first byte sent to the tagged
   * completion, however the server paces its bytes: a server that stalls half-way through a
   * FETCH, or trickles a response that never ends, fails the command by its deadline instead of
   * holding the client forever (an idle, logged-in connection with no command may stay quiet).
   */
  private deadline(pending: Pending): Pending {
    const ms = this.options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000;
    pending.timer = setTimeout(() => {
      if (this.pending === pending) this.fail(timeoutError(this.options.label, pending.name, ms));
    }, ms);
    const settle =
      <A extends unknown[]>(f: (...a: A) => void) =>
      (...a: A) => {
        clearTimeout(pending.timer);
        f(...a);
      };
    pending.resolve = settle(pending.resolve);
    pending.reject = settle(pending.reject);
    return pending;
  }

  /** Sends a bare line (an AUTHENTICATE continuation), not traced in clear. */
  continueWith(line: string, traceAs: string): void {
    this.traceOut(traceAs);
    this.socket.write(`${line}\r\n`);
  }

  /** Calls `listener` once the connection has failed or closed (at once if it already has). */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** LOGOUT, then close the socket whatever the answer. */
  async close(): Promise<void> {
    if (!this.closed) await this.command('LOGOUT').catch(() => {});
    this.socket.destroy();
  }

  setCapabilities(text: string): void {
    this.capabilities = new Set(text.toUpperCase().split(' ').slice(1));
  }

  private attach(): void {
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(toMailError(error, this.options.label)));
    socket.on('close', () =>
      this.fail(
        new MailError(
          'ERR_CONNECTION_LOST',
          `${this.options.label}: the server closed the connection`,
        ),
      ),
    );
  }

  private onData(chunk: Buffer): void {
    let responses: ImapResponse[];
    try {
      responses = this.reader.push(chunk).map(parseResponse);
    } catch (error) {
      // Bytes that do not even parse before the greeting: not an IMAP server at all.
      this.fail(this.greeting ? this.notImap() : (error as MailError));
      return;
    }
    for (const response of responses) this.dispatch(response);
  }

  private dispatch(response: ImapResponse): void {
    // FETCH lines are the bulk of a listing: traced, but only as their text (literals as {n}).
    this.traceIn(response.raw);
    if (this.greeting) {
      this.greeting(response);
      return;
    }
    if (response.kind === 'CAPABILITY')
      this.setCapabilities(`CAPABILITY ${response.values.join(' ')}`);
    if (response.code?.startsWith('CAPABILITY ')) this.setCapabilities(response.code);
    const pending = this.pending;
    if (!pending) return; // e.g. a BYE before the server closes an idle connection
    if (response.tag === '*') {
      this.handOver(pending, response);
    } else if (response.tag === '+') {
      const next = pending.waiting.shift();
      if (next) this.socket.write(next);
      else this.handOver(pending, response); // e.g. an AUTHENTICATE challenge
    } else if (response.tag !== pending.tag) {
      const why = `${this.options.label}: a reply to tag ${response.tag}, which was never sent`;
      this.fail(new MailError('ERR_SERVER', why));
    } else {
      this.pending = undefined;
      if (pending.error) pending.reject(pending.error as MailError);
      else if (response.kind === 'OK') pending.resolve(response);
      else pending.reject(commandError(response, this.options.label));
    }
  }

  /** Runs the command's handler; what it throws fails the command, never the event loop. */
  private handOver(pending: Pending, response: ImapResponse): void {
    if (pending.error || !pending.onUntagged) return;
    try {
      pending.onUntagged(response);
    } catch (error) {
      pending.error = error;
    }
  }

  private readGreeting(): Promise<ImapResponse> {
    return new Promise((resolve, reject) => {
      this.pending = this.deadline({ tag: '', waiting: [], resolve, reject, name: 'greeting' });
      this.greeting = (response) => {
        this.greeting = undefined;
        const pending = this.pending;
        this.pending = undefined;
        clearTimeout(pending?.timer);
        if (response.tag === '*' && response.kind === 'OK') resolve(response);
        else if (response.tag === '*' && response.kind === 'BYE')
          reject(
            new MailError(
              'ERR_CONNECTION_LOST',
              `${this.options.label}: the server said BYE: ${response.text}`,
            ),
          );
        else reject(this.notImap());
      };
    });
  }

  private notImap(): MailError {
    const why = 'not an IMAP greeting (is this the right port and TLS mode?)';
    return new MailError('ERR_CONNECT', `${this.options.label}: ${why}`);
  }

  /** RFC 3501 §6.2.1: STARTTLS, then TLS on the same socket; capabilities are asked afresh. */
  private async startTls(): Promise<void> {
    if (!this.capabilities.size) await this.command('CAPABILITY');
    if (!this.capabilities.has('STARTTLS'))
      throw new MailError('ERR_TLS', `${this.options.label}: the server does not offer STARTTLS`);
    await this.command('STARTTLS');
    // Whatever the server (or someone in the path) sent in plain text after its OK is dropped
    // with the old reader and capabilities, never read as if it came over TLS: the STARTTLS
    // command-injection class of bugs (CVE-2011-0411).
    const plain = this.socket;
    plain.removeAllListeners('data').removeAllListeners('close').removeAllListeners('error');
    const { servername, tlsOptions } = this.options;
    this.socket = tlsConnect({
      socket: plain,
      ...(servername ? { servername } : {}),
      ...tlsOptions,
    });
    this.reader = new ResponseReader(DEFAULT_LIMITS);
    this.capabilities = new Set();
    this.attach();
    await new Promise<void>((resolve, reject) => {
      const name = 'STARTTLS handshake';
      const pending = this.deadline({
        tag: '',
        waiting: [],
        resolve: () => resolve(),
        reject,
        name,
      });
      this.pending = pending;
      (this.socket as TLSSocket).once('secureConnect', () => {
        this.pending = undefined;
        pending.resolve(undefined as never);
      });
    });
  }

  private fail(error: MailError): void {
    if (this.closed) return;
    this.closed = error;
    this.socket.destroy();
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private traceOut(text: string): void {
    const { trace, mask = (l: string) => l } = this.options;
    if (trace) for (const line of text.split(/\r?\n/)) if (line) trace(mask(`IMAP C: ${line}`));
  }

  private traceIn(text: string): void {
    const { trace, mask = (l: string) => l } = this.options;
    if (trace) trace(mask(`IMAP S: ${text}`));
  }
}
