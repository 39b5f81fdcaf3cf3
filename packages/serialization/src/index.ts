/** @netlab/serialization: typed MessagePack messages (msgpackr), validated by zod, over framed streams. */
import { z } from 'zod';

export {
  SerializationError,
  type SerializationErrorCode,
  type SerializationErrorDetails,
} from './errors.ts';
export { MessageStream, type MessageStreamOptions } from './message-stream.ts';
export { defineProtocol } from './protocol.ts';
export {
  type FormatTraceOptions,
  formatTrace,
  type TraceDirection,
  type TraceHook,
} from './trace.ts';
export type {
  AnyMessage,
  MessageDefinitions,
  MessageFrom,
  MessageOf,
  MessageOfType,
  Protocol,
  ProtocolOptions,
} from './types.ts';
/**
 * zod 4, the schema library message fields are written with, re-exported so apps and this
 * package always agree on its version.
 * @example
 * import { defineProtocol, z } from '@netlab/serialization';
 * defineProtocol({ name: 'x', version: 1, messages: { ping: { seq: z.number() } } });
 */
export { z };
