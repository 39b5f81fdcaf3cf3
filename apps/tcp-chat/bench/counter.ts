/** Counts length-prefixed frames by walking their 4-byte headers: no Buffer per frame, no decode. */

/**
 * The load generator's receive path for non-observing clients. At millions of frames per
 * second a decoder that hands out a `subarray` per frame costs the load generator more CPU
 * than the server spends sending them; walking headers costs a few nanoseconds a frame.
 */
export class FrameCounter {
  /** Payload bytes still to skip in the current frame. */
  #need = 0;
  readonly #header = Buffer.alloc(4);
  #headerBytes = 0;

  /** Returns how many frames `chunk` completes. */
  count(chunk: Buffer): number {
    let n = 0;
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      if (this.#need > 0) {
        const take = Math.min(this.#need, end - i);
        this.#need -= take;
        i += take;
        if (this.#need === 0) n++;
      } else if (this.#headerBytes === 0 && end - i >= 4) {
        const length = chunk.readUInt32BE(i);
        i += 4;
        if (length === 0) n++;
        else this.#need = length;
      } else {
        this.#header[this.#headerBytes++] = chunk[i++]!;
        if (this.#headerBytes === 4) {
          this.#headerBytes = 0;
          const length = this.#header.readUInt32BE(0);
          if (length === 0) n++;
          else this.#need = length;
        }
      }
    }
    return n;
  }
}
