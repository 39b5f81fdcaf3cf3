/** The chat client: `connect()` and one typed method per request. */
import { ChatConnection, type ClientOptions } from './chat-connection.ts';
import type { ChatLine, Message, Msg } from './protocol.ts';

export type { ClientOptions } from './chat-connection.ts';

/**
 * Connects, says hello and resolves once welcomed. Events are documented on ChatConnection.
 * @example const c = await connect({ servers: [{ host: '127.0.0.1', port: 4040 }], nick: 'ann' });
 */
export async function connect(options: ClientOptions): Promise<ChatClient> {
  const client = new ChatClient(options);
  // With several servers, each gets one try before we give up (a taken nick stops at once).
  for (let attempt = 1; ; attempt++) {
    try {
      await client.open();
      return client;
    } catch (err) {
      client.abandon();
      const last = attempt >= client.servers.all.length;
      const code = (err as { code?: string }).code;
      if (last || code === 'ERR_NICK_IN_USE' || code === 'ERR_TLS_REQUIRED') {
        client.destroy();
        throw err;
      }
    }
  }
}

/** A connection plus the requests a chat user makes. Events: see ChatConnection. */
export class ChatClient extends ChatConnection {
  /** Rooms joined (and kept across reconnects), in join order. */
  get rooms(): string[] {
    return [...this.tracker.rooms.keys()];
  }

  async join(room: string): Promise<Msg<'joined'>> {
    return (await this.request({
      type: 'join',
      room,
      since: this.tracker.since(room),
    })) as Msg<'joined'>;
  }

  async leave(room: string): Promise<void> {
    await this.request({ type: 'leave', room });
    this.tracker.left(room);
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
}
