/** Clients a tcp-chat server dropped, by reason code: its `stats` counters before and after. */
import { connect } from '../src/client.ts';

let asked = 0;

/** The server's `kick.<CODE>` counters (kicks since it started), read with a short-lived client. */
export async function kicksOf(port: number): Promise<Map<string, number>> {
  const nick = `stats${process.pid % 100_000}_${asked++}`;
  const c = await connect({ port, nick, reconnect: false });
  try {
    const counters = await c.stats();
    const kicks = Object.entries(counters).filter(([k]) => k.startsWith('kick.'));
    return new Map(kicks.map(([k, n]) => [k.slice('kick.'.length), n]));
  } finally {
    c.destroy();
  }
}

/** Kicks by code between two readings of one or more servers (summed). */
export function kicksSince(before: Map<string, number>[], after: Map<string, number>[]) {
  const delta = new Map<string, number>();
  for (const [i, now] of after.entries()) {
    for (const [code, n] of now) {
      const d = n - (before[i]?.get(code) ?? 0);
      if (d > 0) delta.set(code, (delta.get(code) ?? 0) + d);
    }
  }
  return delta;
}

/** `dropped 0`, or `dropped 100 (ERR_SLOW_CONSUMER 100)`; ERR_SERVER_SHUTDOWN never occurs here. */
export function formatDrops(kicks: Map<string, number> | undefined, lost: number): string {
  if (kicks === undefined) return `dropped ${lost}${lost ? ' (reason not reported)' : ''}`;
  const total = [...kicks.values()].reduce((a, b) => a + b, 0);
  const why = [...kicks].map(([code, n]) => `${code} ${n}`).join(', ');
  return `dropped ${total}${total ? ` (${why})` : ''}`;
}
