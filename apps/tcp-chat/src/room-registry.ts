/** The server's rooms: a cap, and empty rooms removed after a time or to make space. */
import { Room } from './rooms.ts';

/**
 * All rooms on a server, capped so a client cannot create rooms without bound. An empty room
 * is kept `emptyTtlMs` (with its numbering and history, so a client reconnecting after everyone
 * left still replays what it missed), then removed by `sweep`; when the cap is reached, the
 * room empty the longest goes at once to make space. Only rooms with members count against
 * the cap for good: joining and leaving cannot fill it.
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  /** Empty rooms removed since start (timed out or evicted). */
  removed = 0;

  constructor(
    readonly maxRooms: number,
    readonly historySize: number,
    readonly emptyTtlMs = 60_000,
  ) {}

  get size(): number {
    return this.#rooms.size;
  }

  get(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /**
   * Returns the room, creating it if there is room for one more (after removing the room that
   * has been empty the longest, if need be); undefined when every room has members.
   * A new room counts as empty until its first member is admitted.
   */
  open(name: string): Room | undefined {
    let room = this.#rooms.get(name);
    if (room) return room;
    if (this.#rooms.size >= this.maxRooms && !this.#evictOne()) return undefined;
    room = new Room(name, this.historySize);
    this.#rooms.set(name, room);
    return room;
  }

  /** Whether `open` would refuse a new room, with `pending` more on their way in. */
  full(pending = 0): boolean {
    if (this.#rooms.size + pending < this.maxRooms) return false;
    for (const r of this.#rooms.values()) if (r.emptySince !== undefined) return false;
    return true;
  }

  #evictOne(): boolean {
    let oldest: Room | undefined;
    for (const r of this.#rooms.values()) {
      if (r.emptySince !== undefined && (!oldest || r.emptySince < oldest.emptySince!)) oldest = r;
    }
    if (!oldest) return false;
    this.#rooms.delete(oldest.name);
    this.removed++;
    return true;
  }

  /** Removes rooms empty for longer than `emptyTtlMs`; returns how many went. */
  sweep(now = performance.now()): number {
    let removed = 0;
    for (const r of this.#rooms.values()) {
      if (r.emptySince !== undefined && now - r.emptySince > this.emptyTtlMs) {
        this.#rooms.delete(r.name);
        removed++;
        this.removed++;
      }
    }
    return removed;
  }

  list(): Room[] {
    return [...this.#rooms.values()];
  }
}
