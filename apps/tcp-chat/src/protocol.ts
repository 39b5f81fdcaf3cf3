/** The tcp-chat wire protocol: message fields (valibot), both directions, and the version. */
import { defineProtocol, type MessageOf, v } from '@netlab/serialization';

/** Bumped on any incompatible change; the server accepts `hello.v` only in `accepts`. */
export const PROTOCOL_VERSION = 1;
export const DEFAULT_PORT = 4040;

const nick = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{1,24}$/, 'a nick is 1-24 of A-Z a-z 0-9 _ -'),
);
const room = v.pipe(
  v.string(),
  v.regex(/^#[A-Za-z0-9_-]{1,32}$/, 'a room is # then 1-32 of A-Z a-z 0-9 _ -'),
);
const text = v.pipe(v.string(), v.minLength(1), v.maxLength(4000));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
/** Requests may carry an `id`; the reply (or error) echoes it as `re`. */
const id = v.optional(v.pipe(v.number(), v.integer()));
const re = id;

/** Client to server. */
const requests = {
  hello: { v: v.number(), nick, token: v.optional(v.string()), id },
  join: { room, since: v.optional(count), id },
  leave: { room, id },
  say: { room, text, id },
  whisper: { to: nick, text, id },
  nick: { nick, id },
  rooms: { id },
  who: { room, id },
  stats: { id },
};

const limits = v.object({
  maxFrame: v.number(),
  rate: v.number(),
  burst: v.number(),
  history: v.number(),
  pingInterval: v.number(),
  idleTimeout: v.number(),
});

/** Server to client. */
const replies = {
  welcome: { re, session: v.string(), nick, token: v.string(), limits },
  /** `seq`: last sequence number in the room; the `history` msg frames that follow have seq <= it. */
  joined: { re, room, seq: count, history: count, complete: v.boolean(), members: v.array(nick) },
  left: { re, room },
  msg: { room, seq: count, ts: v.number(), from: nick, text },
  private: { from: nick, to: nick, ts: v.number(), text },
  presence: {
    room,
    nick,
    action: v.picklist(['join', 'leave', 'quit', 'nick']),
    to: v.optional(nick),
  },
  renamed: { re, nick },
  'room-list': { re, rooms: v.array(v.object({ name: room, members: count, seq: count })) },
  members: { re, room, nicks: v.array(nick) },
  counters: { re, counters: v.record(v.string(), v.number()) },
  error: { re, code: v.string(), message: v.string() },
};

/** Either direction: keepalive and goodbye. */
const shared = {
  ping: { t: v.optional(v.number()) },
  pong: { t: v.optional(v.number()) },
  bye: { code: v.optional(v.string()), reason: v.optional(v.string()) },
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
