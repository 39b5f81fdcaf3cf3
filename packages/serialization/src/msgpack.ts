/** msgpackr in standard MessagePack mode, and the limits a decoded value must keep. */
import { C1, type Options, Packr } from 'msgpackr';

/**
 * Options msgpackr documents in its README but leaves out of its type declarations
 * (2.1.3): `int64AsType: 'auto'` and `skipValues`. This module is the one place that knows;
 * `msgpack.test.ts` fails if msgpackr stops honouring them.
 */
export interface DocumentedOptions extends Omit<Options, 'int64AsType'> {
  /** 'auto': uint64/int64 decode as numbers while exact (|n| <= 2^53), as BigInt beyond. */
  int64AsType?: Options['int64AsType'] | 'auto';
  /** Object properties holding one of these values are left out when encoding. */
  skipValues?: unknown[];
}

/**
 * A Packr writing standard MessagePack that any implementation reads (Python's `msgpack`
 * is the test oracle): maps, not msgpackr's record extension, in their smallest form.
 * @returns a Packr; `pack` results are never overwritten later
 */
export function createPackr(): Packr {
  const options: DocumentedOptions = {
    useRecords: false,
    mapsAsObjects: true,
    // fixmap for up to 15 keys, as other implementations write it (else always map16).
    variableMapSize: true,
    // Python and Go send integers from 2^32 up as uint64: numbers while exact, then BigInt
    // (which a z.number() field refuses).
    int64AsType: 'auto',
    // An undefined field is left out, as JSON does (msgpackr would write its own extension).
    skipValues: [undefined],
    // bin decodes to its own Buffer, not a view that keeps the whole frame alive.
    copyBuffers: true,
  };
  // The one untyped call, because of the two options above that the declarations lack.
  return Reflect.construct(Packr, [options]);
}

/** Maps and arrays nested deeper than this are refused. */
export const MAX_DEPTH = 200;

/**
 * What in a decoded value breaks our limits, or undefined. msgpackr itself checks every
 * declared length against the bytes present before it allocates, so an absurd length is
 * its error; it does not bound nesting, and reads the reserved byte 0xc1 as a marker object.
 * @param value - a value msgpackr decoded
 * @param depth - nesting of `value` (0 at the top)
 * @returns a phrase such as `is nested deeper than 200 levels`, or undefined
 */
export function limitViolation(value: unknown, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
  if (value === C1) return 'holds the reserved byte 0xc1';
  if (depth >= MAX_DEPTH) return `is nested deeper than ${MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = limitViolation(item, depth + 1);
      if (problem !== undefined) return problem;
    }
    return;
  }
  const map = value as Record<string, unknown>;
  for (const key in map) {
    const problem = limitViolation(map[key], depth + 1);
    if (problem !== undefined) return problem;
  }
}
