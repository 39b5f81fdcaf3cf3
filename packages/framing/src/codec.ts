/** The FrameCodec and FrameDecoder contracts shared by the length-prefixed and delimited codecs. */

/** Called once per decoded frame; see {@link FrameDecoder} for who owns `frame`. */
export type FrameHandler = (frame: Buffer) => void;

/** Default maximum frame size: 1 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 1024 * 1024;

/**
 * Incremental decoder for one stream: feed it chunks exactly as they arrive (any size, any
 * split). A frame that lies inside one chunk is a view (`subarray`) of it; a frame that
 * spans chunks is a fresh Buffer, each byte copied once. The decoder never writes into a
 * frame it handed out, and Node never reuses a socket's chunks, so frames may be kept.
 * After it throws, a decoder is closed: the byte stream can no longer be trusted.
 */
export interface FrameDecoder {
  /**
   * Decode the frames `chunk` completes and call `onFrame` for each, in order.
   * @param chunk - the next bytes of the stream
   * @param onFrame - called synchronously per frame
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_DECODER_CLOSED
   */
  write(chunk: Uint8Array, onFrame: FrameHandler): void;
  /**
   * Declare the end of the stream: fine between frames, ERR_TRUNCATED inside one.
   * @throws {FramingError} ERR_TRUNCATED with `received` (and `expected` when known)
   */
  end(): void;
  /** Bytes of the current incomplete frame held (0 between frames). */
  readonly buffered: number;
}

/** A framing scheme: how a frame is written, and a decoder per stream. */
export interface FrameCodec {
  /** Short name for traces and errors: `u32`, `delimited(0x0a)`. */
  readonly name: string;
  /** Largest payload in bytes this codec encodes or accepts. */
  readonly maxFrameSize: number;
  /**
   * Encode one frame into one Buffer. Encode once and write that Buffer to every socket
   * when fanning out.
   * @param payload - the frame's contents
   * @returns the bytes to put on the wire
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_DELIMITER_IN_PAYLOAD
   */
  encode(payload: Uint8Array): Buffer;
  /** A fresh decoder for one stream. */
  createDecoder(): FrameDecoder;
}

/** @internal Check a `maxFrameSize` option: an integer from 0 to `limit`. */
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
