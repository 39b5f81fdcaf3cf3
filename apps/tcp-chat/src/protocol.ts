/** The tcp-chat wire protocol: message fields (zod), both directions, and the version. */
import { defineProtocol, type MessageOf, z } from '@netlab/serialization';

/** Bumped on any incompatible change; the server accepts `hello.v` only in `accepts`. */
export const PROTOCOL_VERSION = 1;
export { DEFAULT_PORT } from './defaults.ts';

const nick = z.string().regex(/^[A-Za-z0-9_-]{1,24}$/, 'a nick is 1-24 of A-Z a-z 0-9 _ -');
const room = z.string().regex(/^#[A-Za-z0-9_-]{1,32}$/, 'a room is # then 1-32 of A-Z a-z 0-9 _ -');
const text = z.string().min(1).max(4000);
const count = z.number().int().min(0);
/** Requests may carry an `id`; the reply (or error) echoes it as `re`. */
const id = z.number().int().optional();
const re = id;

/** Client to server. */
const requests = {
  hello: { v: z.number(), nick, token: z.string().optional(), id },
  join: { room, since: count.optional(), id },
  leave: { room, id },
  say: { room, text, id },
  whisper: { to: nick, text, id },
  nick: { nick, id },
  rooms: { id },
  who: { room, id },
  stats: { id },
};

const limits = z.object({
  maxFrame: z.number(),
  rate: z.number(),
  burst: z.number(),
  history: z.number(),
  pingInterval: z.number(),
  idleTimeout: z.number(),
});

/** Server to client. */
const replies = {
  welcome: { re, session: z.string(), nick, token: z.string(), limits },
  /** `seq`: last sequence number in the room; the `history` msg frames that follow have seq <= it. */
  joined: { re, room, seq: count, history: count, complete: z.boolean(), members: z.array(nick) },
  left: { re, room },
  msg: { room, seq: count, ts: z.number(), from: nick, text },
  private: { from: nick, to: nick, ts: z.number(), text },
  presence: {
    room,
    nick,
    action: z.enum(['join', 'leave', 'quit', 'nick']),
    to: nick.optional(),
  },
  renamed: { re, nick },
  'room-list': { re, rooms: z.array(z.object({ name: room, members: count, seq: count })) },
  members: { re, room, nicks: z.array(nick) },
  counters: { re, counters: z.record(z.string(), z.number()) },
  error: { re, code: z.string(), message: z.string() },
  /**
   * Unasked news about the server itself: BUS_DOWN / BUS_UP (the shared Redis went away and
   * came back), ROOM_RESET (the room's log was lost and its sequence starts over).
   */
  notice: { code: z.string(), message: z.string(), room: room.optional() },
};

/** Either direction: keepalive and goodbye. */
const shared = {
  ping: { t: z.number().optional() },
  pong: { t: z.number().optional() },
  bye: { code: z.string().optional(), reason: z.string().optional() },
};

/** Everything, for the client (it sends requests and reads replies on one stream). */
export const chat = defineProtocol({
  name: 'tcp-chat',
  version: PROTOCOL_VERSION,
  messages: { ...requests, ...replies, ...shared },
});

/** What a server accepts: a client sending `msg` or `welcome` gets ERR_INVALID_MESSAGE. */
export const toServer = defineProtocol({
  name: 'tcp-chat',
  version: PROTOCOL_VERSION,
  messages: { ...requests, ...shared },
});

export type Message = MessageOf<typeof chat>;
export type ClientMessage = MessageOf<typeof toServer>;
export type ServerMessage = Exclude<Message, { type: keyof typeof requests }>;
export type Msg<T extends Message['type']> = Extract<Message, { type: T }>;
export type ChatLine = Msg<'msg'>;
export type Limits = Msg<'welcome'>['limits'];
