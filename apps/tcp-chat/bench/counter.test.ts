/** The bench's frame counter agrees with the real decoder under every split. */
import { lengthPrefixed } from '@netlab/framing';
import { describe, expect, it } from 'vitest';
import { FrameCounter } from './counter.ts';

describe('FrameCounter', () => {
  it('counts the same frames as the decoder, however the stream is cut', () => {
    const codec = lengthPrefixed();
    const frames = Array.from({ length: 200 }, (_, i) => codec.encode(Buffer.alloc(i % 37, i)));
    const stream = Buffer.concat(frames);
    for (const cut of [1, 2, 3, 5, 7, 64, 1000, stream.length]) {
      const counter = new FrameCounter();
      let n = 0;
      for (let i = 0; i < stream.length; i += cut) n += counter.count(stream.subarray(i, i + cut));
      expect(n).toBe(200);
    }
  });
});
