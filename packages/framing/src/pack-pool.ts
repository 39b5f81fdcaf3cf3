/** The packing buffers FrameWriter reuses on plain sockets, shared by every writer in the process. */

/** Largest buffer `FrameWriter.writeMany` packs small frames into. */
export const PACK_LIMIT = 128 * 1024;

/**
 * Free packing buffers, shared by every writer in the process. A fresh 64 KiB buffer per
 * batch costs more than the packing copy itself (its pages are new to the process and
 * fault in as they are filled: measured 3x the sender CPU of a reused one at 1 KiB frames),
 * so a buffer goes back here once the socket's write callback says it is done with it.
 * Only runs over half a buffer use one (see `FrameWriter`'s `#encodeBatch`).
 * Bound: at most PACK_POOL_MAX buffers (1 MiB) wait here; more are left to the GC. Buffers
 * in flight are bounded by the writer's backpressure, not by the pool.
 */
const packPool: Buffer[] = [];
const PACK_POOL_MAX = 8;

/** A packing buffer for one batch: reused if one is free, else new. */
export function takeSlab(): Buffer {
  return packPool.pop() ?? Buffer.allocUnsafe(PACK_LIMIT);
}

function releaseSlab(slab: Buffer): void {
  if (packPool.length < PACK_POOL_MAX) packPool.push(slab);
}

/** A packed run written from a pooled buffer: `view` goes on the wire, `slab` comes back. */
export class PackedPart {
  #released = false;

  constructor(
    readonly slab: Buffer,
    readonly view: Buffer,
  ) {}

  /** Return the slab to the pool, once (the socket is done with it). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    releaseSlab(this.slab);
  }
}
