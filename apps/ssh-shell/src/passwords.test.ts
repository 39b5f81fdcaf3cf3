/** scrypt password file: round trip, wrong password, unknown user, malformed lines. */
import { describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordFile, verifyPassword } from './passwords.ts';

describe('password file', () => {
  it('verifies the right password only, for the right user only', async () => {
    const line = await hashPassword('alice', 'correct horse');
    expect(line).toMatch(/^alice:scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const users = parsePasswordFile(`# users\n${line}\n`);
    expect(await verifyPassword(users, 'alice', 'correct horse')).toBe(true);
    expect(await verifyPassword(users, 'alice', 'correct horsE')).toBe(false);
    expect(await verifyPassword(users, 'bob', 'correct horse')).toBe(false);
  });

  it('rejects malformed lines with ERR_PASSWORD_FILE', () => {
    expect(() => parsePasswordFile('alice:plaintext')).toThrow(
      expect.objectContaining({ code: 'ERR_PASSWORD_FILE' }),
    );
    expect(() => parsePasswordFile('alice:scrypt$1$2$3$$')).toThrow(
      expect.objectContaining({ code: 'ERR_PASSWORD_FILE' }),
    );
  });
});
