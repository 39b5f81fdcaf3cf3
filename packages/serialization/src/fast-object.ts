/** Schema-directed reading of maps: fields in shape order, straight into the output object. */
import { type Field, MISS, type Read, type Reader, readString } from './fast-read.ts';

const ABSENT: unique symbol = Symbol('absent');
type Builder = (values: unknown[]) => Record<string, unknown>;

/** Reads the rest of a map whose first `done` fields are already in `values`. */
type Body = (r: Reader, size: number, done: number) => unknown;

/**
 * A map whose keys are `fields`' keys in shape order (optional ones may be left out), each
 * value accepted by its field; anything else (another order, an unknown or repeated key) is
 * a MISS. The output has zod's key order (the shape's), built as one object literal.
 */
export function objectReader(fields: Field[]): Read {
  const body = objectBody(fields);
  return (r) => {
    const size = mapHeader(r);
    return size < 0 ? MISS : body(r, size, 0);
  };
}

/** Returns the body reader and the scratch values it fills. */
function objectBody(fields: Field[]): Body & { values: unknown[] } {
  const n = fields.length;
  // Scratch for the values, reused: decoding is synchronous and a reader is never re-entered
  // (recursive schemas are left to zod). It keeps the last message's values alive until the next.
  const values: unknown[] = new Array(n).fill(ABSENT);
  const build = compileBuilder(fields.map((f) => f.key));
  const body = (r: Reader, size: number, done: number): unknown => {
    if (size > n - done) return MISS;
    const { src, end } = r;
    let next = done;
    let complete = true;
    for (let i = 0; i < size; i++) {
      let k = next;
      while (k < n && !matches(src, r.pos, end, fields[k]!.bytes)) {
        if (!fields[k]!.optional) return MISS;
        values[k++] = ABSENT;
        complete = false;
      }
      if (k === n) return MISS;
      const field = fields[k]!;
      r.pos += field.bytes.length;
      const value = field.read(r);
      if (value === MISS) return MISS;
      values[k] = value;
      next = k + 1;
    }
    for (; next < n; next++) {
      if (!fields[next]!.optional) return MISS;
      values[next] = ABSENT;
      complete = false;
    }
    if (complete && build !== null) return build(values);
    const out: Record<string, unknown> = {};
    for (let k = 0; k < n; k++) if (values[k] !== ABSENT) out[fields[k]!.key] = values[k];
    return out;
  };
  return Object.assign(body, { values });
}

/** A map header (fixmap or map 16): the entry count, or -1. Moves past it. */
function mapHeader(r: Reader): number {
  const { src, end, pos } = r;
  const b = pos < end ? src[pos]! : 0;
  if ((b & 0xf0) === 0x80) {
    r.pos = pos + 1;
    return b & 0x0f;
  }
  if (b !== 0xde || pos + 3 > end) return -1;
  r.pos = pos + 3;
  return (src[pos + 1]! << 8) | src[pos + 2]!;
}

/**
 * Messages: a map whose first key is `type` and whose other fields follow its type's shape.
 * @param types - message type -> its fields, the `type` literal first
 */
export function messageReader(types: Map<string, Field[]>): Read {
  const bodies = new Map<string, Body & { values: unknown[] }>();
  for (const [type, fields] of types) {
    if (fields[0]?.key === 'type') bodies.set(type, objectBody(fields));
  }
  return (r) => {
    const size = mapHeader(r);
    if (size < 1 || !matches(r.src, r.pos, r.end, TYPE_KEY)) return MISS;
    r.pos += TYPE_KEY.length;
    const type = readString(r);
    const body = type === MISS ? undefined : bodies.get(type);
    if (body === undefined) return MISS;
    body.values[0] = type;
    return body(r, size - 1, 1);
  };
}

const TYPE_KEY = Buffer.from([0xa4, ...Buffer.from('type')]);

function matches(src: Buffer, pos: number, end: number, bytes: Buffer): boolean {
  const length = bytes.length;
  if (pos + length > end) return false;
  for (let i = 0; i < length; i++) if (src[pos + i] !== bytes[i]) return false;
  return true;
}

/** `v => ({ "a": v[0], "b": v[1] })`, keys quoted with JSON.stringify; null if eval is off. */
function compileBuilder(keys: string[]): Builder | null {
  if (keys.includes('__proto__')) return null; // in a literal it would set the prototype
  const body = keys.map((key, i) => `${JSON.stringify(key)}: v[${i}]`).join(', ');
  try {
    return new Function('v', `return { ${body} };`) as Builder;
  } catch {
    return null; // node --disallow-code-generation-from-strings
  }
}
