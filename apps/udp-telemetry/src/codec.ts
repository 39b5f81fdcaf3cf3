/** Encoding and decoding our MessagePack datagrams (validated), and telling them from StatsD text. */
import { type TelemetryDatagram, telemetry } from './protocol.ts';

/**
 * Our datagram is a MessagePack map of at most 15 keys, so its first byte is a fixmap
 * (0x80-0x8f). StatsD text starts with a name character, and in UTF-8 no character starts with
 * 0x80-0xbf (continuation bytes), so one byte tells the two apart.
 */
export function isPacked(bytes: Uint8Array): boolean {
  const first = bytes[0];
  return first !== undefined && first >= 0x80 && first <= 0x8f;
}

/**
 * Decodes and validates one datagram.
 * @throws SerializationError ERR_INVALID_MESSAGE (truncated, trailing bytes, wrong shape)
 */
export function decodeDatagram(bytes: Uint8Array): TelemetryDatagram {
  return telemetry.decode(bytes) as TelemetryDatagram;
}

export function encodeDatagram(datagram: Omit<TelemetryDatagram, 'type'>): Buffer {
  return telemetry.encode({ type: 'metrics', ...datagram });
}
