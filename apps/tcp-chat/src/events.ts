/** What the client shows: one event shape for the terminal, script output and --json lines. */
import type { ChatClient } from './client.ts';
import type { ChatLine, Msg } from './protocol.ts';

export type UiEvent =
  | ({ event: 'message'; history: boolean } & Omit<ChatLine, 'type'>)
  | ({ event: 'private' } & Omit<Msg<'private'>, 'type'>)
  | ({ event: 'presence' } & Omit<Msg<'presence'>, 'type'>)
  | { event: 'welcome'; nick: string; server: string }
  | { event: 'joined'; room: string; members: string[]; history: number; seq: number }
  | { event: 'left'; room: string }
  | { event: 'nick'; nick: string }
  | { event: 'who'; room: string; nicks: string[] }
  | { event: 'rooms'; rooms: { name: string; members: number; seq: number }[] }
  | { event: 'stats'; counters: Record<string, number> }
  | { event: 'gap'; room: string; from: number; to: number }
  | { event: 'reset'; room: string }
  | { event: 'disconnected'; code: string; reason: string }
  | { event: 'reconnecting'; attempt: number; delayMs: number }
  | { event: 'reconnected'; server: string }
  | { event: 'notice'; code: string; message: string; room?: string }
  | { event: 'info'; text: string }
  | { event: 'error'; code: string; message: string };

/** Forwards the client's asynchronous events (lines, presence, reconnects) to `emit`. */
export function forwardEvents(client: ChatClient, emit: (e: UiEvent) => void): void {
  client.on('message', ({ type: _, ...m }) => emit({ event: 'message', ...m }));
  client.on('private', ({ type: _, ...m }) => emit({ event: 'private', ...m }));
  client.on('presence', ({ type: _, ...m }) => emit({ event: 'presence', ...m }));
  client.on('joined', (m: Msg<'joined'>) =>
    emit({ event: 'joined', room: m.room, members: m.members, history: m.history, seq: m.seq }),
  );
  client.on('gap', (g) => emit({ event: 'gap', ...g }));
  client.on('reset', (r) => emit({ event: 'reset', ...r }));
  client.on('server-error', (e) => emit({ event: 'error', code: e.code, message: e.message }));
  client.on('disconnected', (d) => emit({ event: 'disconnected', ...d }));
  client.on('reconnecting', (r) => emit({ event: 'reconnecting', ...r }));
  client.on('reconnected', () => emit({ event: 'reconnected', server: client.server }));
  client.on('notice', ({ type: _, ...n }: Msg<'notice'>) => emit({ event: 'notice', ...n }));
}
