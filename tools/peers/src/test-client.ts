/** A tiny line-based client for the tests: send a line, read until a reply line matches. */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export class LineClient {
  #socket: Socket;
  #buffer = '';
  #waiters: (() => void)[] = [];
  #closed = false;
  /** Every line received, for assertions. */
  readonly lines: string[] = [];

  constructor(socket: Socket) {
    this.#socket = socket;
    this.#attach();
  }

  #attach(): void {
    this.#socket.setEncoding('utf8');
    this.#socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let end = this.#buffer.indexOf('\n');
      while (end >= 0) {
        this.lines.push(this.#buffer.slice(0, end).replace(/\r$/, ''));
        this.#buffer = this.#buffer.slice(end + 1);
        end = this.#buffer.indexOf('\n');
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.#socket.on('close', () => {
      this.#closed = true;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.#socket.on('error', () => {});
  }

  /** Plain TCP to 127.0.0.1:port. */
  static async tcp(port: number): Promise<LineClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new LineClient(socket);
  }

  /** Implicit TLS to 127.0.0.1:port, verifying the server against the CA file. */
  static async tls(port: number, caPath: string): Promise<LineClient> {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(caPath) });
    await new Promise((resolve, reject) =>
      socket.once('secureConnect', resolve).once('error', reject),
    );
    return new LineClient(socket);
  }

  /** Upgrade this connection to TLS (after STARTTLS), verifying against the CA file. */
  async startTls(caPath: string): Promise<void> {
    this.#socket.removeAllListeners('data');
    const secure = tlsConnect({
      socket: this.#socket,
      host: '127.0.0.1',
      ca: readFileSync(caPath),
    });
    await new Promise((resolve, reject) =>
      secure.once('secureConnect', resolve).once('error', reject),
    );
    this.#socket = secure;
    this.#attach();
  }

  /** Resolves once the server has closed the connection (bounded). */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  send(line: string): void {
    this.#socket.write(`${line}\r\n`);
  }

  /** Waits (bounded) for a line matching `pattern` after `from`; returns it. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let from = 0;
    for (;;) {
      for (; from < this.lines.length; from++) {
        const line = this.lines[from]!;
        if (pattern.test(line)) {
          this.lines.splice(0, from + 1);
          return line;
        }
      }
      if (this.#closed) throw new Error(`closed before ${pattern}; got ${this.lines.join(' | ')}`);
      if (Date.now() > deadline)
        throw new Error(`timeout for ${pattern}; got ${this.lines.join(' | ')}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}
