/** What one series may hold and what all of them may hold together: the collector's memory bounds. */

/** Why a well-formed sample was refused; each is a `reason` label on telemetry_refused_samples_total. */
export type RefuseReason =
  | 'name_too_long'
  | 'too_many_tags'
  | 'tag_too_long'
  | 'member_too_long'
  | 'series_limit'
  | 'byte_budget'
  | 'out_of_range';

export const REFUSE_REASONS: readonly RefuseReason[] = [
  'name_too_long',
  'too_many_tags',
  'tag_too_long',
  'member_too_long',
  'series_limit',
  'byte_budget',
  'out_of_range',
];

export interface Limits {
  /** Longest metric name, characters (default 200, as our datagram's schema allows). */
  maxNameLength: number;
  /** Most tags per series (default 50). */
  maxTags: number;
  /** Longest tag, and longest set member, characters (default 200). */
  maxTagLength: number;
  /** Most series per type (default 100k). */
  maxSeries: number;
  /** Bytes all series together may hold: names, tags, set members, sketch bins (default 64 MiB). */
  byteBudget: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxNameLength: 200,
  maxTags: 50,
  maxTagLength: 200,
  maxSeries: 100_000,
  byteBudget: 64 * 1024 * 1024,
};

/**
 * What the budget charges. Not exact (V8 does not say what an object costs), but of the right
 * size, measured on Node 20 by filling the budget and reading the heap: a series costs its
 * objects and map entries (~400 bytes), its strings 2 bytes a character (V8 keeps non-Latin-1
 * text in two-byte strings; the name and the tags are held twice, as the key and as the
 * split array), a set member ~80 bytes of Set entry plus its text, a sketch bin 8 bytes.
 */
export const SERIES_BYTES = 400;
export const MEMBER_BYTES = 80;
export const BIN_BYTES = 8;

export const seriesCharge = (name: string, tagKey: string, tags: number) =>
  SERIES_BYTES + 4 * (name.length + tagKey.length) + 16 * tags;
export const memberCharge = (member: string) => MEMBER_BYTES + 2 * member.length;

/**
 * A copy of `text` that shares no memory with the string it came from. V8 makes a substring
 * of 13 or more characters a "sliced string" that points into its parent: a metric name sliced
 * from a 64 KiB datagram would keep the whole datagram alive for as long as the series lives.
 * Concatenating builds a new string and slicing its flat form points only into that.
 */
export const detach = (text: string) => ` ${text}`.slice(1);

/** Why the name or tags of a new series are refused, or undefined when they fit. */
export function checkSeries(
  limits: Limits,
  name: string,
  tags: readonly string[],
): RefuseReason | undefined {
  if (name.length > limits.maxNameLength) return 'name_too_long';
  if (tags.length > limits.maxTags) return 'too_many_tags';
  for (const tag of tags) if (tag.length > limits.maxTagLength) return 'tag_too_long';
  return undefined;
}
