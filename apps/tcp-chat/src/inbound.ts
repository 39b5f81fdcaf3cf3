/** What the client does with each message from the server: answers, lines, replay bookkeeping. */
import type { PendingRequests } from './pending.ts';
import type { ChatLine, Message, Msg } from './protocol.ts';
import type { RoomTracker } from './replay.ts';

/** The parts of a connection the inbound side touches. */
export interface Inbound {
  tracker: RoomTracker;
  pending: PendingRequests;
  emit(event: string, arg: unknown): void;
  pong(t: number | undefined): void;
  /** The server said bye, with this code: the disconnect that follows reports it. */
  bye(code: string | undefined): void;
}

/** Handles one message: a reply settles its request; the rest become events. */
export function onMessage(c: Inbound, msg: Message): void {
  if ('re' in msg && msg.re !== undefined) {
    if (msg.type === 'joined') onJoined(c, msg);
    const waited = c.pending.answer(msg.re, msg);
    if (msg.type === 'error' && !waited) c.emit('server-error', msg);
    return;
  }
  switch (msg.type) {
    case 'msg':
      onLine(c, msg);
      break;
    case 'private':
      c.pending.echo(msg);
      c.emit('private', msg);
      break;
    case 'presence':
      c.emit('presence', msg);
      break;
    case 'ping':
      c.pong(msg.t);
      break;
    case 'bye':
      c.bye(msg.code);
      c.emit('bye', msg);
      break;
    case 'error':
      c.emit('server-error', msg);
      break;
    case 'notice':
      // The cluster lost the room's log: its numbering starts again from 1.
      if (msg.code === 'ROOM_RESET' && msg.room) {
        c.tracker.restart(msg.room);
        c.emit('reset', { room: msg.room });
      }
      c.emit('notice', msg);
  }
}

function onJoined(c: Inbound, msg: Msg<'joined'>): void {
  const outcome = c.tracker.joined(msg);
  if (outcome.kind === 'reset') c.emit('reset', { room: msg.room });
  if (outcome.kind === 'gap') c.emit('gap', { room: msg.room, from: outcome.from, to: outcome.to });
  c.emit('joined', msg);
}

/** A room line counts once: a replay may overlap what arrived before a reconnect. */
function onLine(c: Inbound, msg: ChatLine): void {
  const fresh = c.tracker.accept(msg);
  if (!fresh) return;
  if (fresh.skipped) c.emit('gap', { room: msg.room, ...fresh.skipped });
  c.pending.echo(msg);
  c.emit('message', { ...msg, history: fresh.history });
}
