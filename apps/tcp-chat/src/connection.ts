/** The client's connection: hello, requests and replies, events, reconnect with replay. */
import { EventEmitter } from 'node:events';
import { formatEndpoint } from '@netlab/addressing';
import { lengthPrefixed } from '@netlab/framing';
import { MessageStream, type Protocol } from '@netlab/serialization';
import type { BackoffOptions } from './backoff.ts';
import { ChatError } from './errors.ts';
import {
  type ChatLine,
  chat,
  type Limits,
  type Message,
  type Msg,
  PROTOCOL_VERSION,
} from './protocol.ts';
import { reconnect } from './reconnect.ts';
import { RoomTracker } from './replay.ts';
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
}

type Defs = typeof chat extends Protocol<infer M> ? M : never;
type Request = Extract<Message, { id?: number }>;
type Pending = {
  resolve(m: Message): void;
  reject(e: Error): void;
  match?: (m: Message) => boolean;
};

/**
 * Events: `message` (ChatLine & { history }), `private`, `presence`, `server-error`
 * (error frames no request is waiting for), `gap` ({ room, from, to }), `reset` ({ room }: the
 * server restarted and the room started over), `notice` (BUS_DOWN, BUS_UP, ROOM_RESET), `disconnected`
 * ({ code, reason }), `reconnecting` ({ attempt, delayMs }), `reconnected`, `close`.
 */
export class ChatConnection extends EventEmitter {
  nick: string;
  token: string | undefined;
  limits: Limits | undefined;
  protected readonly tracker = new RoomTracker();
  #stream: MessageStream<Defs> | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closing = false;
  #reconnecting = false;
  #byeCode: string | undefined;
  /** Index into the server list of the one we use (or try) now. */
  #target = 0;

  constructor(readonly options: ClientOptions) {
    super();
    this.nick = options.nick;
  }

  /** Opens the connection, says hello (with the resume token after a reconnect), rejoins rooms. */
  async open(): Promise<void> {
    try {
      await this.#open();
    } catch (err) {
      this.#target++; // the next attempt goes to the next server
      throw err;
    }
  }

  get targets(): { host: string; port: number }[] {
    const { host = '127.0.0.1', port = 4040, servers } = this.options;
    return servers?.length ? servers : [{ host, port }];
  }

  /** The server in use (or tried next), as `host:port`. */
  get server(): string {
    const { host, port } = this.targets[this.#target % this.targets.length]!;
    return formatEndpoint({ host, port, family: host.includes(':') ? 'ipv6' : 'ipv4' });
  }

  async #open(): Promise<void> {
    const { tls, connectTimeoutMs } = this.options;
    const { host, port } = this.targets[this.#target % this.targets.length]!;
    const socket = await dial({ host, port, tls, timeoutMs: connectTimeoutMs });
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
    const welcome = (await this.request({
      type: 'hello',
      v: PROTOCOL_VERSION,
      nick: this.nick,
      token: this.token,
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
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, match });
      // Absent, not undefined: what --trace shows is then exactly what went on the wire.
      const clean = Object.fromEntries(Object.entries(msg).filter(([, v]) => v !== undefined));
      stream.send({ ...clean, id } as Message).catch((err: Error) => {
        this.#pending.delete(id);
        reject(new ChatError('ERR_CLOSED', `send failed: ${err.message}`, { cause: err }));
      });
    });
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
      for await (const msg of stream) this.#onMessage(stream, msg);
    } catch (err) {
      failure = err; // a bad frame or invalid message from the server ends this connection
      stream.destroy();
    }
    if (this.#stream !== stream) return;
    this.#stream = undefined;
    const code = this.#byeCode ?? (failure as { code?: string })?.code ?? 'ERR_CLOSED';
    for (const p of this.#pending.values()) p.reject(new ChatError(code, 'connection closed'));
    this.#pending.clear();
    if (this.#reconnecting) return; // a failed attempt: the reconnect loop carries on
    if (this.#closing) return void this.emit('close');
    this.emit('disconnected', { code, reason: failure instanceof Error ? failure.message : code });
    // A server that went away may not come back; with several, try the next one first.
    if (code !== 'ERR_SESSION_REPLACED') this.#target++;
    void this.#reconnect(code);
  }

  #onMessage(stream: MessageStream<Defs>, msg: Message): void {
    if ('re' in msg && msg.re !== undefined) {
      const p = this.#pending.get(msg.re);
      this.#pending.delete(msg.re);
      if (msg.type === 'joined') this.#onJoined(msg);
      if (msg.type === 'error') p?.reject(new ChatError(msg.code, msg.message));
      else p?.resolve(msg);
      if (msg.type === 'error' && !p) this.emit('server-error', msg);
      return;
    }
    switch (msg.type) {
      case 'msg':
        this.#onLine(msg);
        return;
      case 'private':
        this.#settleEcho(msg);
        return void this.emit('private', msg);
      case 'presence':
        return void this.emit('presence', msg);
      case 'ping':
        return void stream.send({ type: 'pong', t: msg.t }).catch(() => {});
      case 'bye':
        this.#byeCode = msg.code;
        return void this.emit('bye', msg);
      case 'error':
        return void this.emit('server-error', msg);
      case 'notice':
        // The cluster lost the room's log: its numbering starts again from 1.
        if (msg.code === 'ROOM_RESET' && msg.room) {
          this.tracker.restart(msg.room);
          this.emit('reset', { room: msg.room });
        }
        return void this.emit('notice', msg);
    }
  }

  #onJoined(msg: Msg<'joined'>): void {
    const outcome = this.tracker.joined(msg);
    if (outcome.kind === 'reset') this.emit('reset', { room: msg.room });
    if (outcome.kind === 'gap')
      this.emit('gap', { room: msg.room, from: outcome.from, to: outcome.to });
    this.emit('joined', msg);
  }

  #onLine(msg: ChatLine): void {
    const fresh = this.tracker.accept(msg);
    if (!fresh) return;
    this.#settleEcho(msg);
    this.emit('message', { ...msg, history: fresh.history });
  }

  #settleEcho(msg: Message): void {
    for (const [id, p] of this.#pending) {
      if (p.match?.(msg)) {
        this.#pending.delete(id);
        p.resolve(msg);
        return;
      }
    }
  }

  async #reconnect(code: string): Promise<void> {
    const policy = this.options.reconnect ?? true;
    const fatal = code === 'ERR_PROTOCOL_VERSION' || code === 'ERR_SESSION_REPLACED';
    if (policy === false || fatal) return void this.emit('close');
    this.#reconnecting = true;
    try {
      await reconnect(this, policy === true ? {} : policy);
    } finally {
      this.#reconnecting = false;
    }
  }
}
