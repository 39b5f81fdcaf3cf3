/** Follows the streams of the rooms this server's clients are in; fans their lines out. */
import { debuglog } from 'node:util';
import type { Redis } from 'ioredis';
import type { RedisLink } from './redis-link.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Room } from './rooms.ts';
import { encodeFrame } from './wire.ts';

const debug = debuglog('tcp-chat');

/** One stream entry as ioredis returns it: id `0-<seq>`, fields `f from t text ts ms`. */
export type StreamEntry = [id: string, fields: string[]];

/**
 * Appends an entry to the room's local replica (ring and members) unless it is not newer
 * than what the room already holds: a replay after a reconnect never delivers a line twice.
 */
export function deliver(room: Room, [id, fields]: StreamEntry): void {
  const seq = Number(id.slice(id.indexOf('-') + 1));
  if (!(seq > room.seq)) return;
  const [, from = '?', , text = '', , ts = '0'] = fields;
  // Numbered by Redis, not here: the line becomes the room's last one, stored and fanned out.
  room.seq = seq;
  room.publish(seq, encodeFrame({ type: 'msg', room: room.name, seq, ts: Number(ts), from, text }));
}

/**
 * One blocking `XREAD` over every followed room, from each room's last sequence number. A
 * newly followed room interrupts the wait (`CLIENT UNBLOCK` from the command connection) so
 * it is read at once. `generation` changes when a resync rewinds the rooms; a read that
 * started before it is thrown away (its cursors were stale).
 */
export class StreamReader {
  #clientId: number | undefined;
  #reading = false;
  /** Counts reads, so an unblock meant for one read never interrupts the next. */
  #reads = 0;
  #wake: (() => void) | undefined;
  generation = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly rooms: RoomRegistry,
  ) {}

  /** The link's blocking connection (it exists once the link has started). */
  get #reader(): Redis {
    return this.link.reader;
  }

  /** The set of rooms changed, or Redis came back: read again now. */
  wake(): void {
    this.#wake?.();
    if (this.#reading) void this.#unblock(this.#reads);
  }

  /** UNBLOCK can reach Redis before the XREAD it targets does: retry until it lands. */
  async #unblock(read: number): Promise<void> {
    for (let i = 0; i < 50 && this.#reading && this.#reads === read; i++) {
      const id = this.#clientId;
      const done = id !== undefined && (await this.link.cmd.client('UNBLOCK', id).catch(() => 0));
      if (done === 1) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async run(): Promise<void> {
    // A reconnected connection has a new client id: UNBLOCK must target that one.
    this.#reader.on('close', () => {
      this.#clientId = undefined;
    });
    const { link } = this;
    while (!link.stopped) {
      const rooms = this.rooms.list();
      if (!link.up || rooms.length === 0) {
        await this.#idle(1000);
        continue;
      }
      const generation = this.generation;
      try {
        this.#clientId ??= (await this.#reader.client('ID')) as number;
        this.#reading = true;
        this.#reads++;
        const reply = (await this.#reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          5000,
          'STREAMS',
          ...rooms.map((r) => link.keys.room(r.name)),
          ...rooms.map((r) => `0-${r.seq}`),
        )) as [string, StreamEntry[]][] | null;
        this.#reading = false;
        if (generation !== this.generation || !reply) continue;
        for (const [key, entries] of reply) {
          const room = this.rooms.get(key.slice(link.keys.room('').length));
          if (room) for (const e of entries) deliver(room, e);
        }
      } catch (err) {
        this.#reading = false;
        if (link.stopped) return;
        debug('redis reader: %s', (err as Error).message);
        await this.#idle(200);
      }
    }
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
