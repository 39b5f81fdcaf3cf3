/** The client's core: one socket speaking the protocol, replies matched to requests, the rest as events. */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { lengthPrefixed } from '@netlab/framing';
import { MessageStream, type Protocol } from '@netlab/serialization';
import { ChatError } from './errors.ts';
import { type Inbound, onMessage } from './inbound.ts';
import { PendingRequests } from './pending.ts';
import { chat, type Message } from './protocol.ts';
import { RoomTracker } from './replay.ts';
import type { TraceHook } from './trace.ts';

type Defs = typeof chat extends Protocol<infer M> ? M : never;
type Request = Extract<Message, { id?: number }>;

/**
 * A connection to a chat server. Dialling, hello and reconnecting are a layer above it
 * (chat-connection.ts); this class only speaks the protocol over a socket it is given.
 */
export abstract class Connection extends EventEmitter {
  /** Last sequence number seen per room: what a rejoin asks for (replay.ts). */
  protected readonly tracker = new RoomTracker();
  #stream: MessageStream<Defs> | undefined;
  readonly #pending = new PendingRequests();
  #byeCode: string | undefined;

  /** Starts speaking the protocol over a connected socket; reading begins at once. */
  protected attach(socket: Duplex, peer: string, trace: TraceHook | undefined): void {
    // MessageStream = framing + MessagePack + validation: whatever way TCP splits or glues the
    // server's bytes, it yields whole, checked messages, and its send() waits for 'drain'.
    const stream = new MessageStream(socket, chat, {
      codec: lengthPrefixed({ maxFrameSize: 1024 * 1024 }),
      trace: trace ? (dir, msg, bytes) => trace(dir, peer, Buffer.from(bytes), msg) : undefined,
    });
    this.#stream = stream;
    this.#byeCode = undefined;
    void this.#readLoop(stream);
  }

  /** Sends a request and resolves with the reply carrying its id (or rejects with its error). */
  request(msg: Request, match?: (m: Message) => boolean): Promise<Message> {
    const stream = this.#stream;
    if (!stream) return Promise.reject(new ChatError('ERR_CLOSED', 'not connected'));
    // Replies come back in any order, interleaved with room lines: the id, echoed as `re`,
    // pairs them with their request.
    const { id, answer } = this.#pending.add(match);
    // Absent, not undefined: what --trace shows is then exactly what went on the wire.
    const clean = Object.fromEntries(Object.entries(msg).filter(([, v]) => v !== undefined));
    stream.send({ ...clean, id } as Message).catch((err: Error) => {
      this.#pending.fail(
        id,
        new ChatError('ERR_CLOSED', `send failed: ${err.message}`, { cause: err }),
      );
    });
    return answer;
  }

  /** Says bye, then half-closes: the server sees our FIN after the bye and closes its side. */
  protected async sayBye(): Promise<void> {
    const stream = this.#stream;
    if (!stream) return;
    await stream.send({ type: 'bye' }).catch(() => {});
    await stream.close();
  }

  /** Destroys the socket at once: no bye, no FIN (the server sees a reset or an end). */
  protected sever(): void {
    this.#stream?.destroy();
  }

  /** The connection ended (`code`: the server's bye, the error, or ERR_CLOSED). */
  protected abstract ended(code: string, failure: unknown): void;

  async #readLoop(stream: MessageStream<Defs>): Promise<void> {
    let failure: unknown;
    try {
      const inbound: Inbound = {
        tracker: this.tracker,
        pending: this.#pending,
        emit: (event, arg) => this.emit(event, arg),
        pong: (t) => void stream.send({ type: 'pong', t }).catch(() => {}),
        bye: (code) => {
          this.#byeCode = code;
        },
      };
      // One decoded message per turn, whole, however TCP split it; the loop ends at the
      // server's FIN (a clean end) or throws on a bad frame or a reset.
      for await (const msg of stream) onMessage(inbound, msg);
    } catch (err) {
      failure = err; // a bad frame or invalid message from the server ends this connection
      stream.destroy();
    }
    if (this.#stream !== stream) return;
    this.#stream = undefined;
    const code = this.#byeCode ?? (failure as { code?: string })?.code ?? 'ERR_CLOSED';
    // Requests still waiting will never be answered on this socket.
    this.#pending.failAll(code);
    this.ended(code, failure);
  }
}
