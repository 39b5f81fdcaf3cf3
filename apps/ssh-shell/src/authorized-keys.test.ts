/** authorized_keys parsing: options, quoting, comments, bad lines skipped with a warning. */
import { describe, expect, it } from 'vitest';
import { findAuthorizedKey, parseAuthorizedKeys, readAuthorizedKeys } from './authorized-keys.ts';
import { generateEd25519 } from './keys.ts';

const pub = generateEd25519('alice@laptop').public;
const other = generateEd25519().public;
const blob = (line: string) => Buffer.from(line.split(' ')[1]!, 'base64');

describe('authorized_keys', () => {
  it('parses plain lines with comments and finds the offered key', () => {
    const keys = parseAuthorizedKeys(`# mine\n\n${pub}\n`);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.comment).toBe('alice@laptop');
    expect(keys[0]!.line).toBe(3);
    expect(findAuthorizedKey(keys, blob(pub))).toBe(keys[0]);
    expect(findAuthorizedKey(keys, blob(other))).toBeUndefined();
  });

  it('honours no-pty and command="..." with quoted commas and spaces', () => {
    const [k] = parseAuthorizedKeys(`no-pty,command="echo a, b \\"c\\"" ${pub}`);
    expect(k!.noPty).toBe(true);
    expect(k!.command).toBe('echo a, b "c"');
  });

  it('skips lines with options it does not implement, and garbage, with a warning', () => {
    const warnings: string[] = [];
    const keys = parseAuthorizedKeys(
      `expiry-time="20300101" ${pub}\nnot a key at all\n${other}`,
      (w) => warnings.push(w),
    );
    expect(keys.map((k) => k.line)).toEqual([3]);
    expect(warnings).toHaveLength(2);
  });

  it('restrict forbids PTY and every forwarding; pty after it gives the PTY back', () => {
    const [r] = parseAuthorizedKeys(`RESTRICT ${pub}`);
    expect(r).toMatchObject({
      noPty: true,
      noPortForwarding: true,
      noAgentForwarding: true,
      noX11Forwarding: true,
    });
    expect(parseAuthorizedKeys(`restrict,pty ${pub}`)[0]).toMatchObject({
      noPty: false,
      noPortForwarding: true,
    });
    expect(parseAuthorizedKeys(`no-agent-forwarding,no-X11-forwarding ${pub}`)[0]).toMatchObject({
      noPty: false,
      noAgentForwarding: true,
      noX11Forwarding: true,
    });
  });

  it('refuses keys whose options it cannot honour, and says why', () => {
    const lines = [
      `environment="A=b" ${pub}`,
      `permitopen="127.0.0.1:80" ${pub}`,
      `command="a",command="b" ${pub}`,
      `command=unquoted ${pub}`,
      `no-pty,command="never closed ${pub}`,
    ];
    const { keys, refused, warnings } = readAuthorizedKeys(lines.join('\n'));
    expect(keys).toHaveLength(0);
    expect(refused.map((r) => r.reason)).toEqual([
      'unsupported option environment',
      'unsupported option permitopen',
      'more than one command= option',
      'command= needs a quoted value',
    ]);
    expect(refused[0]!.blob.equals(blob(pub))).toBe(true);
    expect(warnings).toHaveLength(5);
  });
});
