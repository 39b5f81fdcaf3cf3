/** @netlab/framing: length-prefixed and delimiter framing over streams, correct under every split. */
export {
  DEFAULT_MAX_FRAME_SIZE,
  type FrameCodec,
  type FrameDecoder,
  type FrameHandler,
} from './codec.ts';
export {
  type ConnectFramesOptions,
  type ConnectFramesReadOptions,
  connectFrames,
} from './connect-frames.ts';
export { type DelimitedCodec, type DelimitedOptions, delimited } from './delimited.ts';
export { FramingError, type FramingErrorCode, type FramingErrorDetails } from './errors.ts';
export { FrameWriter, type FrameWriterOptions } from './frame-writer.ts';
export {
  type LengthPrefixedCodec,
  type LengthPrefixedOptions,
  lengthPrefixed,
} from './length-prefixed.ts';
export { type ReadFramesOptions, readFrameBatches, readFrames } from './read-frames.ts';
