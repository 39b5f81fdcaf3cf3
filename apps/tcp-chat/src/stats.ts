/** Server counters: exposed by the `stats` request and the periodic log line. */

export interface Counters {
  /** Connections open now. */
  connections: number;
  /** Connections accepted since start. */
  accepted: number;
  /** Connections refused by the total or per-IP cap. */
  refused: number;
  /** Connections closed at accept by the source policy: in a `--deny` network, or outside every `--allow`. */
  refusedDeny: number;
  refusedNotAllowed: number;
  /** Frames received and decoded. */
  messagesIn: number;
  /** Frames queued to clients (a message fanned out to 100 members counts 100). */
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Messages dropped by the rate limit. */
  drops: number;
  /** Clients disconnected because they stopped reading. */
  slowConsumerKicks: number;
  /** Clients disconnected for flooding, bad frames or idling. */
  floodKicks: number;
  badFrameKicks: number;
  idleKicks: number;
  /** Senders paused because a room they spoke in was behind as a whole. */
  senderPauses: number;
  /** Empty rooms removed (after their time limit, or to make space). */
  roomsRemoved: number;
  /** Largest per-client outbound queue seen, in bytes (bounded by `maxQueueBytes`). */
  maxQueued: number;
  rooms: number;
}

export function newCounters(): Counters {
  return {
    connections: 0,
    accepted: 0,
    refused: 0,
    refusedDeny: 0,
    refusedNotAllowed: 0,
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    drops: 0,
    slowConsumerKicks: 0,
    floodKicks: 0,
    badFrameKicks: 0,
    idleKicks: 0,
    senderPauses: 0,
    roomsRemoved: 0,
    maxQueued: 0,
    rooms: 0,
  };
}

/** One log line: the counters plus rates since the previous line. */
export function formatStatsLine(now: Counters, prev: Counters, seconds: number): string {
  const rate = (k: keyof Counters) => Math.round((now[k] - prev[k]) / seconds);
  return (
    `stats conns=${now.connections} rooms=${now.rooms} in=${now.messagesIn} (${rate('messagesIn')}/s) ` +
    `out=${now.messagesOut} (${rate('messagesOut')}/s) drops=${now.drops} ` +
    `kicks slow=${now.slowConsumerKicks} flood=${now.floodKicks} frame=${now.badFrameKicks} ` +
    `idle=${now.idleKicks} refused=${now.refused} denied=${now.refusedDeny + now.refusedNotAllowed} paused=${now.senderPauses} rss=${(process.memoryUsage.rss() / 2 ** 20).toFixed(1)}MiB`
  );
}
