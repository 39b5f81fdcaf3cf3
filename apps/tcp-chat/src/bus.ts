/** The room bus: where rooms, nicks and messages live (this process, or Redis for a cluster). */
import type { ClientMessage } from './protocol.ts';
import type { Session } from './session.ts';

export type Req<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/** A request handler: synchronous in-process, a promise when it waits on Redis. */
type Handler<T extends ClientMessage['type']> = (s: Session, msg: Req<T>) => void | Promise<void>;

/**
 * Everything a request does that depends on who else shares the rooms. The in-process bus
 * (`local-bus.ts`) is the default and answers synchronously; the Redis bus (`redis-bus.ts`)
 * lets several servers share rooms, nicks, history and sequence numbers.
 */
export interface RoomBus {
  /** Connects before the server accepts anyone; rejects with ChatError ERR_BUS_DOWN. */
  start(): Promise<void>;
  /** Waits for pending clean-up, then disconnects. */
  stop(): Promise<void>;
  hello: Handler<'hello'>;
  join: Handler<'join'>;
  leave: Handler<'leave'>;
  say: Handler<'say'>;
  whisper: Handler<'whisper'>;
  rename: Handler<'nick'>;
  who: Handler<'who'>;
  rooms: Handler<'rooms'>;
  /** Takes a closed (or kicked) session out of its rooms and the nick table (idempotent). */
  release(s: Session): void;
}
