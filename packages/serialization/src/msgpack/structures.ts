/** Object builders generated for the key sequences that repeat: the message shapes of a protocol. */

/** Maps with more keys than this are built field by field. */
export const MAX_STRUCTURE_KEYS = 16;
const SLOTS = 256;
/** A builder is generated once a key sequence is seen this many times in a row in its slot. */
const COMPILE_AFTER = 3;
/** At most this many builders per decoder: hostile input cannot make us compile without end. */
const COMPILE_BUDGET = 512;

type Builder = (values: unknown[]) => Record<string, unknown>;
interface Structure {
  keys: string[];
  seen: number;
  build: Builder | null;
}

/**
 * Building an object one computed key at a time costs about 20 ns per field in V8 (a
 * keyed store that changes the object's shape); an object literal with all fields costs a
 * few ns in total. Maps in a protocol repeat the same keys in the same order, so once a
 * sequence has been seen a few times a literal-building function is generated for it
 * (keys quoted with JSON.stringify, so nothing from the wire is ever evaluated).
 */
export class StructureCache {
  readonly #slots: Array<Structure | undefined> = new Array(SLOTS);
  #budget = COMPILE_BUDGET;

  /**
   * @param keys - the map's keys in wire order (copied if kept: callers reuse the array)
   * @param values - the map's values, same order
   * @param size - how many of the keys and values to use
   * @returns a plain object with those fields
   */
  build(keys: string[], values: unknown[], size: number): Record<string, unknown> {
    let hash = size;
    for (let i = 0; i < size; i++) {
      const key = keys[i]!;
      hash = (hash * 31 + key.length * 7 + (key.charCodeAt(0) | 0)) | 0;
    }
    const slot = hash & (SLOTS - 1);
    const entry = this.#slots[slot];
    if (entry !== undefined && sameKeys(entry.keys, keys, size)) {
      if (entry.build !== null) return entry.build(values);
      if (++entry.seen >= COMPILE_AFTER && this.#budget > 0) {
        entry.build = compile(entry.keys);
        this.#budget--;
        if (entry.build !== null) return entry.build(values);
      }
    } else {
      this.#slots[slot] = { keys: keys.slice(0, size), seen: 1, build: null };
    }
    return buildSlowly(keys, values, size);
  }
}

function sameKeys(known: string[], keys: string[], size: number): boolean {
  if (known.length !== size) return false;
  for (let i = 0; i < size; i++) if (known[i] !== keys[i]) return false;
  return true;
}

/** A literal-building function, or null where a literal would differ (or eval is disabled). */
function compile(keys: string[]): Builder | null {
  if (keys.includes('__proto__')) return null; // in a literal it would set the prototype
  const fields = keys.map((key, i) => `${JSON.stringify(key)}: v[${i}]`).join(', ');
  try {
    return new Function('v', `return { ${fields} };`) as Builder;
  } catch {
    return null; // node --disallow-code-generation-from-strings
  }
}

/** Field by field; `__proto__` becomes an own property, never the prototype. */
export function buildSlowly(
  keys: string[],
  values: unknown[],
  size: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < size; i++) {
    const key = keys[i]!;
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: values[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = values[i];
  }
  return out;
}
