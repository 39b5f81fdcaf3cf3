/** The client's connection layer: dial (TLS, DNS, a cluster's servers), hello with a resume token, rejoin, reconnect. */
import { Connection } from './connection.ts';
import { DEFAULT_PORT, type Limits, type Msg, PROTOCOL_VERSION } from './protocol.ts';
import { type BackoffOptions, reconnectAfter } from './reconnect.ts';
import { ServerList } from './servers.ts';
import { explainFailedHello } from './tls-sniff.ts';
import type { TraceHook } from './trace.ts';
import { dial, type TlsClientOptions } from './transport.ts';

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

/**
 * Events: `message` (ChatLine & { history }), `private`, `presence`, `server-error`
 * (error frames no request is waiting for), `gap` ({ room, from, to }), `reset` ({ room }: the
 * server restarted, or the cluster lost the room, and it started over), `notice` (BUS_DOWN,
 * BUS_UP, ROOM_RESET), `disconnected` ({ code, reason }), `reconnecting` ({ attempt,
 * delayMs }), `reconnected`, `close`.
 */
export class ChatConnection extends Connection {
  nick: string;
  token: string | undefined;
  limits: Limits | undefined;
  readonly servers: ServerList;
  #closing = false;
  #reconnecting = false;

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
    this.attach(socket, this.server, this.options.trace);
    // A plain client meeting a TLS server: the layer in tls-sniff.ts says so (ERR_TLS_REQUIRED).
    const explain = tls ? undefined : explainFailedHello(socket, { host, port, peer: this.server });
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

  /** Says bye and closes; no reconnect after this. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.sayBye();
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Destroys the current connection attempt (used by the reconnect loop). */
  abandon(): void {
    this.sever();
  }

  /** Closes at once, without a bye and without reconnecting. */
  destroy(): void {
    this.#closing = true;
    this.sever();
  }

  /** Severs the connection without a bye, as a network failure would (tests use this). */
  drop(): void {
    this.sever();
  }

  protected ended(code: string, failure: unknown): void {
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
