/** Per-source loss accounting from sequence numbers, with a bounded table of sources that says whom it evicts. */
import { detach } from './limits.ts';
import { type SourceStats, SourceTracker } from './source-tracker.ts';

export { RESTART_BACK, RESTART_FORWARD, type SourceStats, WINDOW } from './source-tracker.ts';

/** Told about each eviction: the source pushed out, and how many are tracked. */
export type EvictionHandler = (evicted: SourceStats, tracked: number) => void;

/**
 * Sources are kept in two least-recently-seen lists (a Map iterates in insertion order, so
 * delete + set moves an entry to the end): sources seen once, and sources seen again. When the
 * table is full, a new source evicts the least recently seen of those seen once, and only when
 * there are none the least recently seen of the others. A spray of one-shot `src` ids (anyone
 * can send them: nothing authenticates `src`) then churns through the first list and leaves
 * long-lived sources alone. An evicted source seen more than once leaves its counts behind
 * (bounded, as many as sources): if it comes back it carries on from them, `resumed` + 1, and
 * its gap while evicted counts as lost.
 */
export class LossAccounting {
  private readonly once = new Map<string, SourceTracker>();
  private readonly more = new Map<string, SourceTracker>();
  private readonly evicted = new Map<string, SourceStats>();
  /** Sources pushed out to make room, since start. */
  evictions = 0;

  constructor(
    private readonly maxSources = 10_000,
    private readonly onEvict?: EvictionHandler,
  ) {}

  /** Records one datagram. Returns false if it is a duplicate or late (its samples should be skipped). */
  add(source: string, seq: number, now = Date.now()): boolean {
    let tracker = this.more.get(source);
    if (tracker !== undefined) {
      this.more.delete(source);
      this.more.set(source, tracker);
    } else {
      tracker = this.once.get(source);
      if (tracker === undefined) return this.create(source, seq, now);
      this.once.delete(source);
      this.more.set(source, tracker);
    }
    const before = tracker.stats.duplicated + tracker.stats.late;
    tracker.add(seq, now);
    return tracker.stats.duplicated + tracker.stats.late === before;
  }

  private create(id: string, seq: number, now: number): boolean {
    if (this.once.size + this.more.size >= this.maxSources) this.evict();
    const source = detach(id); // kept for long: must not pin the datagram it was decoded from
    const before = this.evicted.get(source);
    this.evicted.delete(source);
    const tracker = new SourceTracker(source, seq, now, before);
    // A resumed source has been seen more than once already.
    (before ? this.more : this.once).set(source, tracker);
    return before === undefined || tracker.stats.late === before.late;
  }

  private evict() {
    const from = this.once.size > 0 ? this.once : this.more;
    const [key, victim] = from.entries().next().value as [string, SourceTracker];
    from.delete(key);
    this.evictions++;
    if (from === this.more) {
      if (this.evicted.size >= this.maxSources)
        this.evicted.delete(this.evicted.keys().next().value!);
      this.evicted.set(key, { ...victim.stats });
    }
    this.onEvict?.({ ...victim.stats }, this.once.size + this.more.size);
  }

  /** Forgets sources (and evicted ones' counts) silent since `before` (ms since the epoch). */
  expire(before: number) {
    for (const map of [this.once, this.more])
      for (const [key, t] of map) if (t.stats.lastSeen < before) map.delete(key);
    for (const [key, s] of this.evicted) if (s.lastSeen < before) this.evicted.delete(key);
  }

  get size() {
    return this.once.size + this.more.size;
  }

  get(source: string): SourceStats | undefined {
    const s = (this.more.get(source) ?? this.once.get(source))?.stats;
    return s && { ...s };
  }

  /** Every tracked source, those seen more than once first, each list least recently seen first. */
  list(): SourceStats[] {
    return [...this.more.values(), ...this.once.values()].map((t) => ({ ...t.stats }));
  }
}
