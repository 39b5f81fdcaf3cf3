/** The client's connection: hello, requests and replies, events, reconnect with replay. */
import { EventEmitter } from 'node:events';
import { lengthPrefixed } from '@netlab/framing';
import { MessageStream, type Protocol } from '@netlab/serialization';
import type { BackoffOptions } from './backoff.ts';
import { ChatError } from './errors.ts';
import { type Inbound, onMessage } from './inbound.ts';
import { PendingRequests } from './pending.ts';
import {
  chat,
  DEFAULT_PORT,
  type Limits,
  type Message,
  type Msg,
  PROTOCOL_VERSION,
} from './protocol.ts';
import { reconnectAfter } from './reconnect.ts';
import { RoomTracker } from './replay.ts';
import { ServerList } from './servers.ts';
import { explainFailedHello } from './tls-sniff.ts';
import { dial, type TlsClientOptions } from './transport.ts';
import type { TraceHook } from './wire.ts';

export interface ClientOptions {
  host?: string;
  port?: number;
  /**
   * Servers of one cluster (sharing Redis), tried in turn: each reconnect goes to the next
   * one, rejoins and replays from the last sequence number seen. Overrides `host`/`port`.
   */
  servers?: { host: string; port: number }[];
  nick: string;
  tls?: TlsClientOptions;
  /** Reconnect after a lost connection (default on; `false` to stop at the first loss). */
  reconnect?: boolean | BackoffOptions;
  trace?: TraceHook;
  connectTimeoutMs?: number;
  /** DNS servers (`host:port`) to resolve a server's name through, instead of the system's. */
  dnsServers?: string[];
}

type Defs = typeof chat extends Protocol<infer M> ? M : never;
type Request = Extract<Message, { id?: number }>;

/**
 * Events: `message` (ChatLine & { history }), `private`, `presence`, `server-error`
 * (error frames no request is waiting for), `gap` ({ room, from, to }), `reset` ({ room }: the
 * server restarted, or the cluster lost the room, and it started over), `notice` (BUS_DOWN,
 * BUS_UP, ROOM_RESET), `disconnected` ({ code, reason }), `reconnecting` ({ attempt,
 * delayMs }), `reconnected`, `close`.
 */
export class ChatConnection extends EventEmitter {
  nick: string;
  token: string | undefined;
  limits: Limits | undefined;
  protected readonly tracker = new RoomTracker();
  readonly servers: ServerList;
  #stream: MessageStream<Defs> | undefined;
  readonly #pending = new PendingRequests();
  #closing = false;
  #reconnecting = false;
  #byeCode: string | undefined;

  constructor(readonly options: ClientOptions) {
    super();
    this.nick = options.nick;
    const { host = '127.0.0.1', port = DEFAULT_PORT, servers } = options;
    this.servers = new ServerList(servers?.length ? servers : [{ host, port }]);
  }

  /** Opens the connection, says hello (with the resume token after a reconnect), rejoins rooms. */
  async open(): Promise<void> {
    try {
      await this.#open();
    } catch (err) {
      this.servers.advance(); // the next attempt goes to the next server
      throw err;
    }
  }

  /** The server in use (or tried next), as `host:port`. */
  get server(): string {
    return this.servers.label;
  }

  async #open(): Promise<void> {
    const { tls, connectTimeoutMs, dnsServers } = this.options;
    const { host, port } = this.servers.current;
    const socket = await dial({ host, port, tls, timeoutMs: connectTimeoutMs, dnsServers });
    socket.on('error', () => {}); // reported by the read loop as the end of the stream
    const peer = this.server;
    const trace = this.options.trace;
    const stream = new MessageStream(socket, chat, {
      codec: lengthPrefixed({ maxFrameSize: 1024 * 1024 }),
      trace: trace ? (dir, msg, bytes) => trace(dir, peer, Buffer.from(bytes), msg) : undefined,
    });
    this.#stream = stream;
    this.#byeCode = undefined;
    void this.#readLoop(stream);
    // A plain client meeting a TLS server: the layer in tls-sniff.ts says so (ERR_TLS_REQUIRED).
    const explain = tls ? undefined : explainFailedHello(socket, { host, port, peer });
    const welcome = (await this.request({
      type: 'hello',
      v: PROTOCOL_VERSION,
      nick: this.nick,
      token: this.token,
    }).catch(async (err: { code?: string }) => {
      throw explain ? await explain(err) : err;
    })) as Msg<'welcome'>;
    this.nick = welcome.nick;
    this.token = welcome.token;
    this.limits = welcome.limits;
    for (const [room, state] of this.tracker.rooms) {
      await this.request({ type: 'join', room, since: state.lastSeq });
    }
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

  /** Says bye and closes; no reconnect after this. */
  async close(): Promise<void> {
    this.#closing = true;
    const stream = this.#stream;
    if (!stream) return;
    await stream.send({ type: 'bye' }).catch(() => {});
    await stream.close();
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Destroys the current connection attempt (used by the reconnect loop). */
  abandon(): void {
    this.#stream?.destroy();
  }

  /** Closes at once, without a bye and without reconnecting. */
  destroy(): void {
    this.#closing = true;
    this.#stream?.destroy();
  }

  /** Severs the connection without a bye, as a network failure would (tests use this). */
  drop(): void {
    this.#stream?.destroy();
  }

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
      // server's FIN (a clean end) or throws on a bad frame.
      for await (const msg of stream) onMessage(inbound, msg);
    } catch (err) {
      failure = err; // a bad frame or invalid message from the server ends this connection
      stream.destroy();
    }
    if (this.#stream !== stream) return;
    this.#stream = undefined;
    const code = this.#byeCode ?? (failure as { code?: string })?.code ?? 'ERR_CLOSED';
    this.#pending.failAll(code);
    if (this.#reconnecting) return; // a failed attempt: the reconnect loop carries on
    if (this.#closing) return void this.emit('close');
    this.emit('disconnected', { code, reason: failure instanceof Error ? failure.message : code });
    // A server that went away may not come back; with several, try the next one first.
    if (code !== 'ERR_SESSION_REPLACED') this.servers.advance();
    void this.#reconnect(code);
  }

  async #reconnect(code: string): Promise<void> {
    this.#reconnecting = true;
    try {
      await reconnectAfter(this, code, this.options.reconnect ?? true);
    } finally {
      this.#reconnecting = false;
    }
  }
}
