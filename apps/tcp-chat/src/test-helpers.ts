/** Shared by the tests: a raw socket speaking frames by hand, and polling without sleeps. */
import net from 'node:net';
import { lengthPrefixed } from '@netlab/framing';
import { waitUntil } from '@netlab/peers';
import { chat, type Message } from './protocol.ts';

const codec = lengthPrefixed({ maxFrameSize: 16 * 1024 * 1024 });

/** Polls `check` (the test-server tool's waitUntil) for up to 20 s; throws naming `what` if it never holds. */
export async function until(check: () => boolean, what: string): Promise<void> {
  if (!(await waitUntil(check, 20_000))) throw new Error(`timed out waiting for ${what}`);
}

/** A client with no library in the way: write any bytes, read decoded frames. */
export class RawClient {
  readonly received: Message[] = [];
  closed = false;
  /** Bytes the server sent, framed or not. */
  bytesIn = 0;
  readonly #decoder = codec.createDecoder();

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.bytesIn += chunk.length;
      this.#decoder.write(chunk, (f) => this.received.push(chat.unpack(f) as Message));
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /**
   * `allowHalfOpen`: keep writing after the server's FIN, as an attacker would. `localAddress`:
   * the source address (any 127.0.0.x on Linux loopback, each a separate client to the server).
   */
  static connect(
    port: number,
    host = '127.0.0.1',
    allowHalfOpen = false,
    localAddress?: string,
  ): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host, allowHalfOpen, localAddress }, () =>
        resolve(new RawClient(s)),
      );
      s.once('error', reject);
    });
  }

  send(msg: Record<string, unknown>): void {
    this.socket.write(frame(msg));
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits for a message of `type` (optionally matching `where`) and returns it. */
  async next<T extends Message['type']>(
    type: T,
    where: (m: Extract<Message, { type: T }>) => boolean = () => true,
  ) {
    const find = () =>
      this.received.find((m) => m.type === type && where(m as Extract<Message, { type: T }>)) as
        | Extract<Message, { type: T }>
        | undefined;
    await until(() => find() !== undefined, `a ${type} frame`);
    return find()!;
  }

  async hello(nick: string): Promise<void> {
    this.send({ type: 'hello', v: 1, nick });
    await this.next('welcome');
  }
}

/** Encodes a message as a frame without validation (tests send invalid ones on purpose). */
export function frame(msg: Record<string, unknown>): Buffer {
  return codec.encode(chat.pack(msg));
}
