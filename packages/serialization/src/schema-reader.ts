/** Derive MessagePack readers from zod shapes: the fast path of `decode` for the common field kinds. */
import type { z } from 'zod';
import { messageReader, objectReader } from './fast-object.ts';
import {
  arrayReader,
  type Field,
  MISS,
  type Read,
  readBoolean,
  readNumber,
  readString,
} from './fast-read.ts';

/** A zod check we can run ourselves: the schema's own check function, on a payload. */
interface Check {
  _zod: {
    def: { check?: string; when?: (payload: Payload) => boolean; pattern?: unknown };
    check: (payload: Payload) => unknown;
  };
}
interface Payload {
  value: unknown;
  issues: unknown[];
}

/** zod 4 schema definitions, as far as they are read here. */
interface Def {
  type: string;
  checks?: Check[];
  check?: string;
  coerce?: boolean;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  values?: unknown[];
  entries?: Record<string, unknown>;
}

/** Checks that only look at the value (never change it), so running them here is exact. */
const PURE_CHECKS = new Set([
  'min_length',
  'max_length',
  'length_equals',
  'greater_than',
  'less_than',
  'number_format',
  'multiple_of',
  'string_format',
]);

/**
 * One reader for all message types whose fields compile (the others, and any message the
 * readers do not accept, go to the generic decoder and zod).
 * @param shapes - message type -> its zod shape, `type` literal included
 */
export function compileMessages(shapes: Map<string, z.ZodRawShape>): Read {
  const types = new Map<string, Field[]>();
  for (const [type, shape] of shapes) {
    const fields = compileFields(shape as Record<string, z.ZodType>, new Set());
    if (fields !== undefined) types.set(type, fields);
  }
  return messageReader(types);
}

/**
 * A reader accepting exactly what `schema` accepts unchanged, or undefined when the schema
 * uses anything beyond string, number, boolean, string literal/enum, optional, array and
 * object with pure checks (transforms, defaults, unions, records... stay with zod).
 */
export function compileSchema(schema: z.ZodType, seen: Set<z.ZodType>): Read | undefined {
  if (seen.has(schema)) return undefined; // recursive schemas: leave them to zod
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const checks = checksOf(schema, def);
  if (checks === undefined || def.coerce === true) return undefined;
  const checked = (read: Read): Read =>
    checks.length === 0
      ? read
      : (r) => {
          const value = read(r);
          return value === MISS || passes(checks, value) ? value : MISS;
        };
  switch (def.type) {
    case 'string':
      return checked(readString);
    case 'number':
      return checked(readNumber);
    case 'boolean':
      return checked(readBoolean);
    case 'literal':
    case 'enum': {
      const values = def.type === 'literal' ? def.values! : Object.values(def.entries!);
      if (!values.every((v) => typeof v === 'string')) return undefined;
      const allowed = new Set(values as string[]);
      return checked((r) => {
        const value = readString(r);
        return value !== MISS && allowed.has(value) ? value : MISS;
      });
    }
    case 'array':
    case 'object': {
      seen.add(schema);
      const read =
        def.type === 'array'
          ? mapDefined(compileSchema(def.element!, seen), arrayReader)
          : mapDefined(compileFields(def.shape!, seen), objectReader);
      seen.delete(schema);
      return read === undefined ? undefined : checked(read);
    }
    default:
      return undefined;
  }
}

function mapDefined<T, U>(value: T | undefined, f: (value: T) => U): U | undefined {
  return value === undefined ? undefined : f(value);
}

/** Fields of a shape in shape order (zod's output order), or undefined if one is unsupported. */
function compileFields(
  shape: Record<string, z.ZodType>,
  seen: Set<z.ZodType>,
): Field[] | undefined {
  const fields: Field[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    if (key === '__proto__') return undefined;
    const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
    const optional = def.type === 'optional';
    if (optional && (def.checks?.length ?? 0) > 0) return undefined;
    const read = compileSchema(optional ? def.innerType! : schema, seen);
    if (read === undefined) return undefined;
    fields.push({ key, bytes: encodeKey(key), read, optional });
  }
  return fields;
}

/** The schema's checks, or undefined when one of them is not known to be pure. */
function checksOf(schema: z.ZodType, def: Def): Check[] | undefined {
  const checks = [...(def.check ? [schema as unknown as Check] : []), ...(def.checks ?? [])];
  for (const check of checks) {
    const { check: kind, pattern } = check._zod.def;
    if (kind === undefined || !PURE_CHECKS.has(kind)) return undefined;
    if (kind === 'string_format' && !(pattern instanceof RegExp)) return undefined;
  }
  return checks;
}

/** Run zod's own checks the way zod does: a `when` guard decides, and all must pass. */
function passes(checks: Check[], value: unknown): boolean {
  const payload: Payload = { value, issues: [] };
  for (const check of checks) {
    const when = check._zod.def.when;
    if (when !== undefined && !when(payload)) continue;
    check._zod.check(payload);
    if (payload.issues.length > 0) return false;
  }
  return true;
}

/** A key as the smallest MessagePack str, the form standard encoders write. */
function encodeKey(key: string): Buffer {
  const utf8 = Buffer.from(key, 'utf8');
  const n = utf8.length;
  if (n < 32) return Buffer.concat([Buffer.from([0xa0 | n]), utf8]);
  if (n < 0x100) return Buffer.concat([Buffer.from([0xd9, n]), utf8]);
  const header = Buffer.alloc(5);
  header[0] = 0xdb;
  header.writeUInt32BE(n, 1);
  if (n < 0x10000) return Buffer.concat([Buffer.from([0xda, n >> 8, n & 0xff]), utf8]);
  return Buffer.concat([header, utf8]);
}
