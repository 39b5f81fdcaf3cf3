/** `--trace`: one readable line per frame in and out, the protocol exchange as Wireshark would show it. */
import { formatTrace, type TraceDirection } from '@netlab/serialization';
import type { ChatError } from './errors.ts';
import { chat } from './protocol.ts';

/**
 * Called for every frame in and out (`--trace`). `bytes` is the frame payload; `decoded`
 * is the message, or the error that stopped it from decoding.
 */
export type TraceHook = (
  dir: TraceDirection,
  peer: string,
  bytes: Buffer,
  decoded: unknown,
) => void;

/** A trace hook that prints one line per frame: peer, direction, type, fields, size. */
export function printTrace(write: (line: string) => void, colors = false): TraceHook {
  return (dir, peer, bytes, decoded) => {
    if (decoded instanceof Error) {
      write(
        `${peer} ${dir === 'in' ? '<-' : '->'} !! ${(decoded as ChatError).code} (${bytes.length} B)`,
      );
      return;
    }
    write(formatTrace(dir, decoded, bytes, { peer, colors }));
  };
}

/** Decodes an outgoing frame back into its message, for tracing what the server sent. */
export function unframe(frame: Buffer): { payload: Buffer; msg: unknown } {
  const payload = frame.subarray(4);
  return { payload, msg: chat.unpack(payload) };
}
