/** JSON text in chunks of bounded size: the same text JSON.stringify makes, never one giant string. */
import { CHUNK_BYTES } from './exposition.ts';

/** JSON has no NaN: an empty timer's quantiles become null. */
export const jsonNumbers = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? null : value;

/**
 * Yields `JSON.stringify(value)` in chunks of about CHUNK_BYTES. Objects and arrays are walked
 * down to a small depth (the view's lists of series and sources); each element below is
 * stringified whole, and elements are small (names and tags are bounded).
 */
export function* jsonChunks(value: unknown): Generator<string> {
  let out = '';
  for (const piece of pieces(value, 0)) {
    out += piece;
    if (out.length >= CHUNK_BYTES) {
      yield out;
      out = '';
    }
  }
  yield `${out}\n`;
}

function* pieces(value: unknown, depth: number): Generator<string> {
  if (depth < 3 && Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++)
      yield `${i === 0 ? '' : ','}${JSON.stringify(value[i], jsonNumbers) ?? 'null'}`;
    yield ']';
  } else if (depth < 3 && value !== null && typeof value === 'object') {
    yield '{';
    let first = true;
    for (const [key, field] of Object.entries(value)) {
      if (field === undefined || typeof field === 'function') continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* pieces(field, depth + 1);
    }
    yield '}';
  } else yield JSON.stringify(value, jsonNumbers) ?? 'null';
}
