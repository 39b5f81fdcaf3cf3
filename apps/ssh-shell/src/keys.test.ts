/** generateEd25519: every pair it returns is one ssh2 (and so our server) can read back. */
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateEd25519 } from './keys.ts';

describe('generateEd25519', () => {
  it('returns only readable pairs (ssh2 alone gets about 1 in 256 wrong)', () => {
    // 1,000 pairs: ssh2's own generator would give a malformed one here 98% of the time.
    for (let i = 0; i < 1000; i++) {
      const pair = generateEd25519('k');
      expect(ssh2.utils.parseKey(pair.private)).not.toBeInstanceOf(Error);
      expect(ssh2.utils.parseKey(pair.public)).not.toBeInstanceOf(Error);
    }
  });
});
