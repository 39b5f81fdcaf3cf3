/** Frames on the wire: a 4-byte length, then one MessagePack message (see protocol.ts). */
import { type FrameDecoder, lengthPrefixed } from '@netlab/framing';
import { SerializationError } from '@netlab/serialization';
import { ChatError } from './errors.ts';
import { type ClientMessage, chat, type Message, toServer } from './protocol.ts';

/** The outbound codec; its maximum only guards what we encode (decoders get their own). */
const out = lengthPrefixed({ maxFrameSize: 1024 * 1024 });

/**
 * Encodes a message into one ready-to-write frame (header + MessagePack). Trusts the types.
 * TCP keeps no message boundaries: two writes may arrive as one read, one write as three. The
 * 4-byte big-endian length in front is what lets the reader cut the stream back into messages.
 */
export function encodeFrame(msg: Message): Buffer {
  return out.encode(chat.encode(msg));
}

/**
 * A decoder that rejects frames over `maxFrame` bytes from the header alone: a peer announcing
 * 4 GB is refused after 4 bytes, before one byte of payload is buffered. Frames split across
 * reads wait in the decoder until whole.
 */
export function createFrameDecoder(maxFrame: number): FrameDecoder {
  return lengthPrefixed({ maxFrameSize: maxFrame }).createDecoder();
}

/**
 * Decodes and validates a request: the bytes came from a stranger, so every field is checked
 * against the schema before the server acts on it. Anything else throws ChatError
 * ERR_INVALID_MESSAGE, naming the field.
 */
export function decodeRequest(payload: Uint8Array): ClientMessage {
  try {
    return toServer.decode(payload);
  } catch (err) {
    if (err instanceof SerializationError) {
      throw new ChatError('ERR_INVALID_MESSAGE', err.message, { cause: err });
    }
    throw err;
  }
}
