/** The chat client: one connection, typed requests, and reconnect that replays what was missed. */
import { EventEmitter } from 'node:events';
import { lengthPrefixed } from '@netlab/framing';
import { MessageStream, type Protocol } from '@netlab/serialization';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { ChatError } from './errors.ts';
import {
  type ChatLine,
  chat,
  type Limits,
  type Message,
  type Msg,
  PROTOCOL_VERSION,
} from './protocol.ts';
import { dial, type TlsClientOptions } from './transport.ts';
import type { TraceHook } from './wire.ts';

export interface ClientOptions {
  host?: string;
  port?: number;
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
/** Per-room progress: the last sequence number seen, so a rejoin asks for exactly the rest. */
type RoomState = { lastSeq: number; historyTo: number };

/** Connects, says hello and resolves once welcomed. Events are documented on ChatClient. */
export async function connect(options: ClientOptions): Promise<ChatClient> {
  const client = new ChatClient(options);
  try {
    await client.open();
  } catch (err) {
    client.destroy();
    throw err;
  }
  return client;
}

/**
 * Events: `message` (ChatLine & { history }), `private`, `presence`, `server-error`
 * (error frames no request is waiting for), `gap` ({ room, from, to }), `reset` ({ room }: the
 * server restarted and the room started over), `disconnected`
 * ({ code, reason }), `reconnecting` ({ attempt, delayMs }), `reconnected`, `close`.
 */
export class ChatClient extends EventEmitter {
  nick: string;
  token: string | undefined;
  limits: Limits | undefined;
  readonly rooms = new Map<string, RoomState>();
  #stream: MessageStream<Defs> | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closing = false;
  #reconnecting = false;
  #byeCode: string | undefined;

  constructor(readonly options: ClientOptions) {
    super();
    this.nick = options.nick;
  }

  /** Opens the connection, says hello (with the resume token after a reconnect), rejoins rooms. */
  async open(): Promise<void> {
    const { host = '127.0.0.1', port = 4040, tls, connectTimeoutMs } = this.options;
    const socket = await dial({ host, port, tls, timeoutMs: connectTimeoutMs });
    socket.on('error', () => {}); // reported by the read loop as the end of the stream
    const peer = `${host}:${port}`;
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
    for (const [room, state] of this.rooms)
      await this.request({ type: 'join', room, since: state.lastSeq });
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

  async join(room: string): Promise<Msg<'joined'>> {
    const state = this.rooms.get(room);
    const reply = (await this.request({
      type: 'join',
      room,
      since: state?.lastSeq,
    })) as Msg<'joined'>;
    return reply;
  }

  async leave(room: string): Promise<void> {
    await this.request({ type: 'leave', room });
    this.rooms.delete(room);
  }

  /** Resolves when the server echoes the line back to us with its sequence number. */
  async say(room: string, text: string): Promise<ChatLine> {
    const mine = (m: Message) =>
      m.type === 'msg' && m.room === room && m.from === this.nick && m.text === text;
    return (await this.request({ type: 'say', room, text }, mine)) as ChatLine;
  }

  async whisper(to: string, text: string): Promise<Msg<'private'>> {
    const mine = (m: Message) => m.type === 'private' && m.from === this.nick && m.to === to;
    return (await this.request({ type: 'whisper', to, text }, mine)) as Msg<'private'>;
  }

  async rename(nick: string): Promise<void> {
    this.nick = ((await this.request({ type: 'nick', nick })) as Msg<'renamed'>).nick;
  }

  async who(room: string): Promise<string[]> {
    return ((await this.request({ type: 'who', room })) as Msg<'members'>).nicks;
  }

  async listRooms(): Promise<Msg<'room-list'>['rooms']> {
    return ((await this.request({ type: 'rooms' })) as Msg<'room-list'>).rooms;
  }

  async stats(): Promise<Record<string, number>> {
    return ((await this.request({ type: 'stats' })) as Msg<'counters'>).counters;
  }

  /** Says bye and closes; no reconnect after this. */
  async close(): Promise<void> {
    this.#closing = true;
    const stream = this.#stream;
    if (!stream) return;
    await stream.send({ type: 'bye' }).catch(() => {});
    await stream.close();
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
    }
  }

  #onJoined(msg: Msg<'joined'>): void {
    const state = this.rooms.get(msg.room) ?? { lastSeq: 0, historyTo: 0 };
    state.historyTo = msg.seq;
    if (msg.seq < state.lastSeq) {
      // The room is younger than what we saw: the server restarted. Count from its start.
      state.lastSeq = 0;
      this.emit('reset', { room: msg.room });
    } else if (!msg.complete) {
      this.emit('gap', { room: msg.room, from: state.lastSeq + 1, to: msg.seq - msg.history });
    }
    this.rooms.set(msg.room, state);
    this.emit('joined', msg);
  }

  /** Drops what was already seen (a replay overlaps), so every line is delivered exactly once. */
  #onLine(msg: ChatLine): void {
    const state = this.rooms.get(msg.room);
    if (!state || msg.seq <= state.lastSeq) return;
    state.lastSeq = msg.seq;
    this.#settleEcho(msg);
    this.emit('message', { ...msg, history: msg.seq <= state.historyTo });
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
    const backoff = policy === true ? {} : policy;
    this.#reconnecting = true;
    try {
      await this.#retry(backoff);
    } finally {
      this.#reconnecting = false;
    }
  }

  async #retry(backoff: BackoffOptions): Promise<void> {
    for (let attempt = 0; attempt < (backoff.maxAttempts ?? Number.POSITIVE_INFINITY); attempt++) {
      const delayMs = backoffDelay(attempt, backoff);
      this.emit('reconnecting', { attempt: attempt + 1, delayMs });
      await new Promise((r) => setTimeout(r, delayMs));
      if (this.#closing) return void this.emit('close');
      try {
        await this.open();
        return void this.emit('reconnected');
      } catch (err) {
        this.#stream?.destroy();
        this.emit('reconnect-failed', err);
        if ((err as ChatError).code === 'ERR_NICK_IN_USE') break;
      }
    }
    this.emit('close');
  }
}
