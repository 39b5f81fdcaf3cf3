/** The FrameCodec and FrameDecoder contracts shared by every framing codec. */

/** Called once per decoded frame; see {@link FrameDecoder} for who owns `frame`. */
export type FrameHandler = (frame: Buffer) => void;

/** Default maximum frame size: 1 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 1024 * 1024;

/**
 * Incremental decoder: feed it chunks exactly as they arrive (any size, any split).
 *
 * Ownership of a returned frame: when a frame lies inside one pushed chunk it is a
 * zero-copy view (`subarray`) of that chunk; when it spans chunks it is a fresh Buffer the
 * decoder copied into once. The decoder never writes into a frame after returning it, so a
 * frame stays valid for as long as the memory of the chunk you pushed is not reused. Chunks
 * from `net`/`tls` sockets are never reused by Node, so their frames can be kept as they
 * are; if you push chunks from a buffer you refill (a read pool, `onread`), copy any frame
 * you keep past your next refill (`Buffer.from(frame)`).
 */
export interface FrameDecoder {
  /**
   * Decode the frames completed by `chunk`.
   * @param chunk - the next bytes of the stream
   * @returns the frames completed by this chunk, in order (often empty)
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_INVALID_HEADER, ERR_DECODER_CLOSED
   */
  push(chunk: Uint8Array): Buffer[];
  /**
   * Callback form of {@link FrameDecoder.push}: calls `onFrame` for each completed frame
   * without building an array (the fastest path for hot loops).
   * @param chunk - the next bytes of the stream
   * @param onFrame - called synchronously for each frame, in order
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_INVALID_HEADER, ERR_DECODER_CLOSED
   */
  write(chunk: Uint8Array, onFrame: FrameHandler): void;
  /**
   * Declare the end of the stream. Fine between frames; inside a frame it throws.
   * @throws {FramingError} ERR_TRUNCATED with `expected` (when known) and `received`
   */
  end(): void;
  /** Bytes of the current incomplete frame held by the decoder (0 between frames). */
  readonly buffered: number;
}

/** A framing scheme: how frames are written and a factory for decoders. */
export interface FrameCodec {
  /** Short name for traces and errors, e.g. `u32`, `varint`, `delimited(0x0a)`. */
  readonly name: string;
  /** Largest payload, in bytes, this codec encodes or accepts. */
  readonly maxFrameSize: number;
  /**
   * Encode one frame into a single Buffer (one copy of the payload). Encode once and write
   * the same Buffer to many sockets when fanning out.
   * @param payload - frame contents
   * @returns the bytes to put on the wire
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_DELIMITER_IN_PAYLOAD
   */
  encode(payload: Uint8Array): Buffer;
  /**
   * Encode one frame as the parts to write in order, without copying the payload
   * (header + payload, or payload + delimiter); for `writev`/`cork` of large payloads.
   * @param payload - frame contents
   * @returns parts whose concatenation equals `encode(payload)`
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_DELIMITER_IN_PAYLOAD
   */
  encodeParts(payload: Uint8Array): Uint8Array[];
  /**
   * Bytes on the wire for a payload of `payloadLength` bytes (header or delimiter included).
   * @param payloadLength - payload size in bytes
   * @returns the frame size
   */
  frameLength(payloadLength: number): number;
  /**
   * Encode one frame into `target` at `offset` (which must have `frameLength` bytes free):
   * how {@link FrameWriter.writeMany} packs many small frames into one buffer.
   * @param payload - frame contents
   * @param target - the buffer to write into
   * @param offset - where the frame starts in `target`
   * @returns the offset just after the frame
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_DELIMITER_IN_PAYLOAD
   */
  encodeInto(payload: Uint8Array, target: Buffer, offset: number): number;
  /** A fresh decoder for one stream. */
  createDecoder(): FrameDecoder;
}

/** @internal Check and normalise a `maxFrameSize` option. */
export function checkMaxFrameSize(value: number | undefined, limit: number): number {
  const max = value ?? DEFAULT_MAX_FRAME_SIZE;
  if (!Number.isSafeInteger(max) || max < 0 || max > limit) {
    throw new RangeError(`maxFrameSize must be an integer from 0 to ${limit}, got ${value}`);
  }
  return max;
}

/** @internal View any Uint8Array as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
