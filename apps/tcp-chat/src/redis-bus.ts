/** The Redis room bus: several servers share rooms, nicks, history and sequence numbers. */
import type { RoomBus } from './bus.ts';
import { listen, notice, refresh, resync } from './redis-events.ts';
import { RedisLink } from './redis-link.ts';
import { hello, rename, whisper } from './redis-people.ts';
import { join, leave, release, rooms, say, who } from './redis-rooms.ts';
import { ClusterState } from './redis-state.ts';
import type { RedisBusOptions } from './redis-url.ts';
import type { ServerContext } from './session.ts';

export type { RedisBusOptions } from './redis-url.ts';

/**
 * Streams, not plain pub/sub, carry room lines: each room is a stream whose entry ids are the
 * sequence numbers, so Redis numbers every line once for the whole cluster, the stream is the
 * history, and a server that lost Redis for a moment reads on from its last id without a
 * gap. Pub/sub carries only what may be lost: presence, whispers, kicks (`redis-events.ts`).
 */
export function createRedisBus(ctx: ServerContext, options: RedisBusOptions): RoomBus {
  const link: RedisLink = new RedisLink(options, {
    down: () =>
      notice(state, 'BUS_DOWN', `lost redis at ${link.where}: rooms paused, reconnecting`),
    resync: (lost): Promise<void> => resync(state, lost),
    restored: () => {
      notice(state, 'BUS_UP', `redis at ${link.where} is back`);
      state.reader.wake();
    },
  });
  const state: ClusterState = new ClusterState(ctx, link);
  let heartbeat: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;
  return {
    async start() {
      await link.start();
      await listen(state);
      reading = state.reader.run();
      const beat = () => (link.up ? refresh(state) : Promise.resolve());
      heartbeat = setInterval(() => void beat().catch(() => {}), state.nickTtl / 3);
      heartbeat.unref();
    },
    async stop() {
      clearInterval(heartbeat);
      await state.settle(2000); // releases (nicks, members) reach Redis first
      if (!reading) return;
      await link.stop();
      state.reader.wake();
      await reading;
    },
    hello: (s, msg) => hello(state, s, msg),
    join: (s, msg) => join(state, s, msg),
    leave: (s, msg) => leave(state, s, msg),
    say: (s, msg) => say(state, s, msg),
    whisper: (s, msg) => whisper(state, s, msg),
    rename: (s, msg) => rename(state, s, msg),
    who: (s, msg) => who(state, s, msg),
    rooms: (s, msg) => rooms(state, s, msg),
    release: (s) => release(state, s),
  };
}
