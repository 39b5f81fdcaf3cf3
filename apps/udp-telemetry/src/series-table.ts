/** Series keyed by name, then by tags: two lookups of strings whose hashes are already known. */

interface Slot<S> {
  plain: S | undefined;
  tagged: Map<string, S> | undefined;
}

/**
 * Why two levels: a key built as `name + tags` is a fresh string per sample, which the Map
 * must flatten and hash every time (~150 ns). The name is hashed once per lookup either way;
 * the tag key comes from the parser's cache, so its hash is computed once per distinct tag set.
 */
export class SeriesTable<S> {
  private readonly byName = new Map<string, Slot<S>>();
  size = 0;

  get(name: string, tagKey: string): S | undefined {
    const slot = this.byName.get(name);
    if (slot === undefined) return undefined;
    return tagKey === '' ? slot.plain : slot.tagged?.get(tagKey);
  }

  set(name: string, tagKey: string, series: S) {
    let slot = this.byName.get(name);
    if (slot === undefined) {
      slot = { plain: undefined, tagged: undefined };
      this.byName.set(name, slot);
    }
    if (tagKey === '') slot.plain = series;
    else {
      slot.tagged ??= new Map();
      slot.tagged.set(tagKey, series);
    }
    this.size++;
  }

  /** Every series, in insertion order of names. */
  values(): S[] {
    const out: S[] = [];
    for (const slot of this.byName.values()) {
      if (slot.plain !== undefined) out.push(slot.plain);
      if (slot.tagged) for (const s of slot.tagged.values()) out.push(s);
    }
    return out;
  }

  /** Removes every series for which `drop` says so. */
  deleteWhere(drop: (series: S) => boolean) {
    for (const [name, slot] of this.byName) {
      if (slot.plain !== undefined && drop(slot.plain)) {
        slot.plain = undefined;
        this.size--;
      }
      if (slot.tagged) {
        for (const [key, s] of slot.tagged) {
          if (drop(s)) {
            slot.tagged.delete(key);
            this.size--;
          }
        }
        if (slot.tagged.size === 0) slot.tagged = undefined;
      }
      if (slot.plain === undefined && slot.tagged === undefined) this.byName.delete(name);
    }
  }
}
