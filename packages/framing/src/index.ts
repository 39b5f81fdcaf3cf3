/** @netlab/framing: length-prefixed and delimited frames over streams, correct under every split. */
export type { FrameCodec, FrameDecoder, FrameHandler } from './codec.ts';
export { type DelimitedOptions, delimited } from './delimited.ts';
export { FramingError, type FramingErrorCode } from './errors.ts';
export { FrameWriter } from './frame-writer.ts';
export { type LengthPrefixedOptions, lengthPrefixed } from './length-prefixed.ts';
export { type ReadFramesOptions, readFrames } from './read-frames.ts';
