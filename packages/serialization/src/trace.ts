/** Trace hooks: render each message on a MessageStream as one readable line (apps' --trace). */
import { inspect } from 'node:util';

/** Which way a traced message went. */
export type TraceDirection = 'in' | 'out';

/**
 * Called for every message a {@link MessageStream} sends or receives (after validation),
 * including handshakes.
 * @param direction - `out` for sent, `in` for received
 * @param message - the message object
 * @param bytes - its MessagePack encoding (the frame payload)
 */
export type TraceHook = (direction: TraceDirection, message: unknown, bytes: Uint8Array) => void;

/** Options for {@link formatTrace}. */
export interface FormatTraceOptions {
  /** Colour the output with ANSI codes (default false). */
  colors?: boolean;
  /** Cut the rendered fields after this many characters (default 200). */
  maxLength?: number;
  /** A label for the connection, e.g. the peer's address `127.0.0.1:51234`. */
  peer?: string;
}

/**
 * Render one traced message as a single line: arrow, type, fields, size.
 *
 * @param direction - `in` or `out`
 * @param message - the message; its `type` is printed first
 * @param bytes - the encoded message, for its size
 * @param options - see {@link FormatTraceOptions}
 * @returns e.g. `-> say {room: 'lobby', text: 'hi'} (27 B)`
 * @example
 * const stream = new MessageStream(socket, chat, {
 *   trace: (dir, msg, bytes) => console.error(formatTrace(dir, msg, bytes)),
 * });
 */
export function formatTrace(
  direction: TraceDirection,
  message: unknown,
  bytes: Uint8Array,
  options: FormatTraceOptions = {},
): string {
  const arrow = direction === 'out' ? '->' : '<-';
  const maxLength = options.maxLength ?? 200;
  let type = '?';
  let fields: unknown = message;
  if (typeof message === 'object' && message !== null && 'type' in message) {
    const { type: t, ...rest } = message as { type: unknown };
    type = String(t);
    fields = rest;
  }
  let rendered = inspect(fields, {
    breakLength: Number.POSITIVE_INFINITY,
    colors: options.colors ?? false,
    depth: 4,
    maxArrayLength: 20,
    maxStringLength: maxLength,
  });
  if (!options.colors && rendered.length > maxLength) rendered = `${rendered.slice(0, maxLength)}…`;
  const peer = options.peer === undefined ? '' : `${options.peer} `;
  return `${peer}${arrow} ${type} ${rendered} (${bytes.length} B)`;
}
