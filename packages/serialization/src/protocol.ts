/** defineProtocol: typed messages (a union on `type`), MessagePack by msgpackr, validated by zod. */
import { z } from 'zod';
import { SerializationError } from './errors.ts';
import { createPackr, limitViolation } from './msgpack.ts';
import { formatPath } from './path.ts';
import type { AnyMessage, MessageDefinitions, Protocol, ProtocolOptions } from './types.ts';

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
 *   messages: { hello: { nick: z.string() }, say: { room: z.string(), text: z.string() } },
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
  const schemas = new Map<string, z.ZodType>();
  for (const [type, fields] of Object.entries(options.messages)) {
    if ('type' in fields) throw new TypeError(`message ${type} must not declare a 'type' field`);
    const shape = { type: z.literal(type), ...fields };
    schemas.set(type, options.unknownKeys === 'reject' ? z.strictObject(shape) : z.object(shape));
  }
  const types = Object.freeze([...schemas.keys()]);
  const packr = createPackr();

  function invalid(message: string, path: string, messageType?: string, cause?: unknown) {
    return new SerializationError('ERR_INVALID_MESSAGE', message, { path, messageType, cause });
  }

  function validate(value: unknown): AnyMessage<M> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const got = describe(value);
      throw invalid(`${name} message must be a map with a string "type", got ${got}`, '');
    }
    const type = Reflect.get(value, 'type');
    const schema = typeof type === 'string' ? schemas.get(type) : undefined;
    if (schema === undefined) {
      const expected = types.join(', ');
      throw invalid(
        `unknown ${name} message type ${describe(type)} (expected one of ${expected})`,
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
      String(type),
      result.error,
    );
  }

  function unpack(bytes: Uint8Array): unknown {
    let value: unknown;
    try {
      value = packr.unpack(bytes);
    } catch (err) {
      // Truncated, trailing bytes, a length beyond the bytes present; a stack overflow
      // (RangeError) on nesting far past the limit below, which msgpackr survives.
      const reason = err instanceof Error ? err.message : String(err);
      throw invalid(
        `${name} message is not valid MessagePack (${bytes.length} bytes): ${reason}`,
        '',
        undefined,
        err,
      );
    }
    const problem = limitViolation(value);
    if (problem !== undefined) throw invalid(`${name} message ${problem}`, '');
    return value;
  }

  function pack(value: unknown): Buffer {
    try {
      return packr.pack(value);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new SerializationError(
        'ERR_ENCODE_FAILED',
        `cannot encode ${name} message: ${reason}`,
        {
          cause: err,
        },
      );
    }
  }

  return {
    name,
    version,
    accepts: Object.freeze([...(options.accepts ?? [version])]),
    types,
    encode(message) {
      if (!schemas.has(message.type)) {
        throw invalid(`unknown ${name} message type ${describe(message.type)}`, 'type');
      }
      return pack(message);
    },
    decode: (bytes) => validate(unpack(bytes)),
    validate,
    pack,
    unpack,
  };
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
