/** defineProtocol: a set of typed messages (a union on `type`), MessagePack on the wire, validated on decode. */
import { Packr } from 'msgpackr';
import { z } from 'zod';
import { SerializationError } from './errors.ts';
import { createReader, decodeWith, MISS } from './fast-read.ts';
import { checkHandshake, type Handshake, makeHandshake } from './handshake.ts';
import { Decoder } from './msgpack/decode.ts';
import { Encoder } from './msgpack/encode.ts';
import { formatPath } from './path.ts';
import { compileMessages } from './schema-reader.ts';

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

/** Options for {@link defineProtocol}. */
export interface ProtocolOptions<M extends MessageDefinitions> {
  /** Protocol name, checked in the handshake (`tcp-chat`). */
  name: string;
  /** Our protocol version, a positive integer sent in the handshake. */
  version: number;
  /** Peer versions we can talk to (default: only `version`). */
  accepts?: readonly number[];
  /** Message types and their fields. `type` is added by the protocol; do not declare it. */
  messages: M;
  /**
   * Unknown fields: `strip` (default; lets a newer peer add optional fields) or `reject`.
   */
  unknownKeys?: 'strip' | 'reject';
  /**
   * Use msgpackr's record extension (smaller, faster, but only msgpackr reads it). Both
   * ends must opt in; the default is standard MessagePack any implementation reads.
   */
  records?: boolean;
}

/** A protocol: encode/decode/validate for one set of message types. */
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
   * Encode a message to MessagePack. Trusts the TypeScript types (no validation); call
   * {@link Protocol.validate} first for values built from untrusted input.
   * @param message - a message of this protocol
   * @returns MessagePack bytes (one map, `type` first)
   * @throws {SerializationError} ERR_INVALID_MESSAGE for an unknown `type`, ERR_ENCODE_FAILED
   */
  encode(message: AnyMessage<M>): Buffer;
  /**
   * Decode and validate one message.
   * @param bytes - exactly one MessagePack value
   * @returns the message, typed, unknown fields stripped (unless `unknownKeys: 'reject'`)
   * @throws {SerializationError} ERR_INVALID_MESSAGE with `path` for anything invalid
   */
  decode(bytes: Uint8Array): AnyMessage<M>;
  /**
   * Validate a value already in memory (decoded JSON, a test fixture).
   * @param value - anything
   * @returns the message, typed
   * @throws {SerializationError} ERR_INVALID_MESSAGE with `path`
   */
  validate(value: unknown): AnyMessage<M>;
  /** Our handshake: `{ type: '$handshake', protocol, version }`. */
  handshake(): Handshake;
  /**
   * Check the peer's handshake (decoded from MessagePack or not).
   * @param value - what the peer sent first
   * @returns the peer's handshake, when compatible
   * @throws {SerializationError} ERR_INVALID_MESSAGE, ERR_PROTOCOL_MISMATCH, ERR_VERSION_MISMATCH
   */
  checkHandshake(value: unknown): Handshake;
  /** Encode any MessagePack value with this protocol's settings (used for the handshake). */
  pack(value: unknown): Buffer;
  /**
   * Decode any MessagePack value without validation.
   * @throws {SerializationError} ERR_INVALID_MESSAGE for bytes that are not one MessagePack value
   */
  unpack(bytes: Uint8Array): unknown;
}

/** The message union of a protocol: `MessageOf<typeof chat>`. */
export type MessageOf<P> = P extends Protocol<infer M> ? AnyMessage<M> : never;

/** One message type of a protocol: `MessageOfType<typeof chat, 'say'>`. */
export type MessageOfType<P, K extends string> = Extract<MessageOf<P>, { type: K }>;

/**
 * Define a protocol.
 *
 * @param options - name, version and message types, see {@link ProtocolOptions}
 * @returns a {@link Protocol}
 * @throws {TypeError} when a message type declares its own `type` field or the version is bad
 * @example
 * const chat = defineProtocol({
 *   name: 'tcp-chat',
 *   version: 1,
 *   messages: {
 *     hello: { nick: z.string() },
 *     say: { room: z.string(), text: z.string() },
 *   },
 * });
 * type ChatMessage = MessageOf<typeof chat>;
 * const bytes = chat.encode({ type: 'say', room: 'lobby', text: 'hi' });
 * const message = chat.decode(bytes); // ChatMessage, validated
 */
export function defineProtocol<const M extends MessageDefinitions>(
  options: ProtocolOptions<M>,
): Protocol<M> {
  const { name, version } = options;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new TypeError(`version must be a positive integer, got ${version}`);
  }
  const accepts = Object.freeze([...(options.accepts ?? [version])]);
  const strict = options.unknownKeys === 'reject';
  const schemas = new Map<string, z.ZodType>();
  const shapes = new Map<string, z.ZodRawShape>();
  for (const [type, fields] of Object.entries(options.messages)) {
    if ('type' in fields) throw new TypeError(`message ${type} must not declare a 'type' field`);
    const shape = { type: z.literal(type), ...fields };
    shapes.set(type, shape);
    schemas.set(type, strict ? z.strictObject(shape) : z.object(shape));
  }
  const types = Object.freeze([...schemas.keys()]) as readonly (keyof M & string)[];
  const packr = new Packr({
    useRecords: options.records === true,
    mapsAsObjects: true,
    variableMapSize: true,
    // Other implementations send large integers as uint64/int64 (Python does from 2^32):
    // numbers while exact, BigInt beyond 2^53 (which a z.number() field then rejects).
    // ('auto' is implemented by msgpackr 2.1 but missing from its type declarations.)
    int64AsType: 'auto' as unknown as 'number',
  });
  // The fast path for message-shaped values; msgpackr handles records and extension types.
  const records = options.records === true;
  const encoder = new Encoder(packr);
  const decoder = new Decoder(packr);
  // Fast path of decode: bytes straight into a message that zod would accept unchanged.
  // Whatever it does not accept (errors included) takes the generic path below, so
  // results and errors are zod's. (Unknown keys make it miss, so strip/reject are kept.)
  const fast = records ? undefined : compileMessages(shapes);
  const reader = createReader();

  function invalid(message: string, path: string, messageType?: string, cause?: unknown) {
    return new SerializationError('ERR_INVALID_MESSAGE', message, { path, messageType, cause });
  }

  function validate(value: unknown): AnyMessage<M> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid(
        `${name} message must be a map with a string "type", got ${describe(value)}`,
        '',
      );
    }
    const type = (value as { type?: unknown }).type;
    const schema = typeof type === 'string' ? schemas.get(type) : undefined;
    if (schema === undefined) {
      throw invalid(
        `unknown ${name} message type ${describe(type)} (expected one of ${types.join(', ')})`,
        'type',
      );
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data as AnyMessage<M>;
    const issue = result.error.issues[0]!;
    // An unknown key (unknownKeys: 'reject') is reported on the object; name the key itself.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = formatPath(keys.length > 0 ? [...issue.path, keys[0]!] : issue.path);
    throw invalid(
      `invalid ${name} ${type} message: ${path || '(message)'}: ${issue.message}`,
      path,
      type as string,
      result.error,
    );
  }

  function unpack(bytes: Uint8Array): unknown {
    try {
      return records ? packr.unpack(bytes) : decoder.decode(bytes);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw invalid(
        `${name} message is not valid MessagePack (${bytes.length} bytes): ${reason}`,
        '',
        undefined,
        err,
      );
    }
  }

  function pack(value: unknown): Buffer {
    try {
      return records ? packr.pack(value) : encoder.encode(value);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new SerializationError(
        'ERR_ENCODE_FAILED',
        `cannot encode ${name} message: ${reason}`,
        { cause: err },
      );
    }
  }

  const protocol: Protocol<M> = {
    name,
    version,
    accepts,
    types,
    encode(message) {
      if (!schemas.has(message.type)) {
        throw invalid(`unknown ${name} message type ${describe(message.type)}`, 'type');
      }
      return pack(message);
    },
    decode(bytes) {
      if (fast !== undefined) {
        const buffer = Buffer.isBuffer(bytes)
          ? bytes
          : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
        const message = decodeWith(fast, reader, buffer);
        if (message !== MISS) return message as AnyMessage<M>;
      }
      return validate(unpack(bytes));
    },
    validate,
    handshake: () => makeHandshake(name, version),
    checkHandshake: (value) => checkHandshake(value, name, version, accepts),
    pack,
    unpack,
  };
  return protocol;
}

/** A short description of a value for error messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
