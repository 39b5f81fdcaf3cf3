/** `say` in one process: a line numbered by its room, encoded once, queued to every member. */
import type { Req } from './bus.ts';
import { holdIfCongested, notInRoom } from './room-handlers.ts';
import type { Session } from './session.ts';
import { encodeFrame } from './wire.ts';

export function say(s: Session, msg: Req<'say'>): void {
  const room = s.rooms.get(msg.room);
  if (!room) {
    notInRoom(s, msg.room, msg.id);
    return;
  }
  // The room numbers the line (a client that reconnects asks for "since seq"), then the line
  // is encoded once: with 100 members, one MessagePack encode instead of 100.
  const seq = room.nextSeq();
  // Encoded once; every member's outbox holds the same Buffer.
  const frame = encodeFrame({
    type: 'msg',
    room: room.name,
    seq,
    ts: Date.now(),
    from: s.nick,
    text: msg.text,
  });
  room.publish(seq, frame);
  // The flow layer (room-flow.ts): a sender into a room that is behind stops being read.
  holdIfCongested(s, room);
}
