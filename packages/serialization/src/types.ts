/** The types of a protocol: message definitions (zod shapes), the message union, the Protocol. */
import type { z } from 'zod';

/** Fields of each message type, as zod shapes: `{ say: { room: z.string(), text: z.string() } }`. */
export type MessageDefinitions = Record<string, z.ZodRawShape>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The decoded shape of message type `K`: `{ type: K, ...fields }`. */
export type MessageFrom<M extends MessageDefinitions, K extends keyof M & string> = Simplify<
  { type: K } & z.output<z.ZodObject<M[K]>>
>;

/** The union of all messages of a definition set. */
export type AnyMessage<M extends MessageDefinitions> = {
  [K in keyof M & string]: MessageFrom<M, K>;
}[keyof M & string];

/** Options for `defineProtocol`. */
export interface ProtocolOptions<M extends MessageDefinitions> {
  /** Protocol name, for error messages (`tcp-chat`). */
  name: string;
  /** Our protocol version, a positive integer (apps send it in their hello). */
  version: number;
  /** Peer versions we can talk to (default: only `version`). */
  accepts?: readonly number[];
  /** Message types and their fields. `type` is added by the protocol; do not declare it. */
  messages: M;
  /** Unknown fields: `strip` (default; a newer peer may add optional fields) or `reject`. */
  unknownKeys?: 'strip' | 'reject';
}

/** A protocol: encode, decode and validate one set of message types. */
export interface Protocol<M extends MessageDefinitions = MessageDefinitions> {
  /** Protocol name. */
  readonly name: string;
  /** Our version. */
  readonly version: number;
  /** Peer versions we accept. */
  readonly accepts: readonly number[];
  /** The message type names. */
  readonly types: readonly (keyof M & string)[];
  /**
   * Encode a message. Trusts the TypeScript types (no validation); call
   * {@link Protocol.validate} first for values built from untrusted input.
   * @param message - a message of this protocol
   * @returns standard MessagePack: one map, `type` first when written first
   * @throws {SerializationError} ERR_INVALID_MESSAGE for an unknown `type`, ERR_ENCODE_FAILED
   */
  encode(message: AnyMessage<M>): Buffer;
  /**
   * Decode and validate one message: {@link Protocol.unpack}, then {@link Protocol.validate}.
   * @param bytes - exactly one MessagePack value
   * @returns the message, typed, unknown fields stripped (unless `unknownKeys: 'reject'`)
   * @throws {SerializationError} ERR_INVALID_MESSAGE with `path` for anything invalid
   */
  decode(bytes: Uint8Array): AnyMessage<M>;
  /**
   * Validate a value already in memory (decoded JSON, a test fixture) with zod.
   * @param value - anything
   * @returns the message, typed
   * @throws {SerializationError} ERR_INVALID_MESSAGE with `path` and `messageType`
   */
  validate(value: unknown): AnyMessage<M>;
  /**
   * Encode any value as MessagePack, without checks.
   * @throws {SerializationError} ERR_ENCODE_FAILED
   */
  pack(value: unknown): Buffer;
  /**
   * Decode any MessagePack value without validation, within the limits (depth 200).
   * @throws {SerializationError} ERR_INVALID_MESSAGE for bytes that are not one MessagePack value
   */
  unpack(bytes: Uint8Array): unknown;
}

/** The message union of a protocol: `MessageOf<typeof chat>`. */
export type MessageOf<P> = P extends Protocol<infer M> ? AnyMessage<M> : never;

/** One message type of a protocol: `MessageOfType<typeof chat, 'say'>`. */
export type MessageOfType<P, K extends string> = Extract<MessageOf<P>, { type: K }>;
