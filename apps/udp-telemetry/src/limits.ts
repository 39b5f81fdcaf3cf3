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
 * What the budget charges: estimates (V8 does not say what an object costs), on the generous
 * side. A series: its objects and map entries (~400 bytes), 2 bytes a character of text (V8
 * keeps non-Latin-1 text in two-byte strings) counted twice for the name and the tags (the
 * tags are held as the key and as the split array), 16 bytes a tag; a set member ~80 bytes of
 * Set entry plus its text; a sketch ~1000 bytes plus 8 a bin. Measured here (hostile.test.ts'
 * flood of 50-tag timers, `pnpm collector`'s flags): a full 64 MiB budget grew RSS by ~40 MB.
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

/** A new series' own copies of its name and tags, and what it is charged. */
export interface Admitted {
  name: string;
  tagKey: string;
  tags: string[];
  charge: number;
}

/** The limits applied: counts what it refuses, by reason, and what all series hold. */
export class Budget {
  /** Bytes charged now: what all series, members and sketches hold. */
  held = 0;
  /** Samples refused, by reason. */
  readonly refused = Object.fromEntries(REFUSE_REASONS.map((r) => [r, 0])) as Record<
    RefuseReason,
    number
  >;
  readonly limits: Limits;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Counts a refusal and returns its reason. */
  refuse(reason: RefuseReason): RefuseReason {
    this.refused[reason]++;
    return reason;
  }

  /**
   * Admits a new series (its name and tags are checked once, here, never per sample) and
   * charges it, or says why not. `count` is how many series of its type there are already.
   */
  series(name: string, tagKey: string, count: number): Admitted | RefuseReason {
    if (name.length > this.limits.maxNameLength) return this.refuse('name_too_long');
    if (count >= this.limits.maxSeries) return this.refuse('series_limit');
    const own = detach(name);
    const key = detach(tagKey);
    const tags = key === '' ? [] : key.split(',');
    if (tags.length > this.limits.maxTags) return this.refuse('too_many_tags');
    for (const tag of tags)
      if (tag.length > this.limits.maxTagLength) return this.refuse('tag_too_long');
    const charge = seriesCharge(own, key, tags.length);
    if (!this.take(charge)) return this.refuse('byte_budget');
    return { name: own, tagKey: key, tags, charge };
  }

  /** Charges a new set member, or says why not; returns its charge. */
  member(member: string): number | RefuseReason {
    if (member.length > this.limits.maxTagLength) return this.refuse('member_too_long');
    const charge = memberCharge(member);
    return this.take(charge) ? charge : this.refuse('byte_budget');
  }

  /** Whether `bytes` more would fit the budget. */
  fits(bytes: number): boolean {
    return this.held + bytes <= this.limits.byteBudget;
  }

  /** Charges `bytes` if they fit the budget. */
  take(bytes: number): boolean {
    if (!this.fits(bytes)) return false;
    this.held += bytes;
    return true;
  }

  /** Charges growth that already happened (a sketch's bins), fitting or not, or gives bytes back. */
  adjust(bytes: number) {
    this.held += bytes;
  }
}
