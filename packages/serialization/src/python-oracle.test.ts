/** Python's msgpack (Debian python3-msgpack) as an oracle: it decodes our bytes, we decode its. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lengthPrefixed } from '@netlab/framing';
import { ensurePython } from '@netlab/peers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineProtocol } from './protocol.ts';

const ORACLE = fileURLToPath(new URL('../test/msgpack_oracle.py', import.meta.url));
const framing = lengthPrefixed({ maxFrameSize: 16 * 1024 * 1024 });

const oracle = defineProtocol({
  name: 'oracle',
  version: 1,
  messages: {
    say: { room: z.string(), text: z.string() },
    members: { room: z.string(), members: z.array(z.object({ nick: z.string() })) },
    sample: { value: z.unknown() },
  },
});

let python = '';
beforeAll(async () => {
  // Installs python3-msgpack with apt-get when missing (as root), else fails with the command.
  python = await ensurePython();
}, 600_000);

function runPython(mode: string, input: Buffer[] = []): Buffer {
  return execFileSync(python, [ORACLE, mode], {
    input: Buffer.concat(input.map((p) => framing.encode(p))),
    maxBuffer: 256 * 1024 * 1024,
  });
}

function frames(bytes: Buffer): Buffer[] {
  const decoder = framing.createDecoder();
  const out: Buffer[] = [];
  decoder.write(bytes, (frame) => out.push(frame));
  decoder.end();
  return out;
}

/**
 * What Python's describe() prints for a value: bytes become {"$bin": hex}, and -0 is 0
 * (msgpackr sends -0 as the integer 0, as JSON.stringify does).
 */
function describeJs(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (value instanceof Uint8Array) return { $bin: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return value.map(describeJs);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describeJs(v)]));
  }
  return value;
}

/** Values both sides represent the same way (no NaN, no lone surrogates, no undefined). */
const wireValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ minLength: 250, maxLength: 300 }),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: -70000, max: 70000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 18 },
    ),
  ),
})).value;

describe('Python msgpack oracle', () => {
  const fixed = [
    oracle.encode({ type: 'say', room: '#lobby', text: 'hi ☃ 😀' }),
    oracle.encode({ type: 'members', room: '#ops', members: [{ nick: 'ada' }, { nick: 'bob' }] }),
    oracle.encode({
      type: 'sample',
      value: [0, 127, 128, 255, 256, 65535, 65536, 2 ** 32, 2 ** 53 - 1],
    }),
    oracle.encode({ type: 'sample', value: [-1, -32, -33, -128, -129, -32769, -(2 ** 31) - 1] }),
    oracle.encode({ type: 'sample', value: { bin: Buffer.from([0, 255]), x: 'y'.repeat(70000) } }),
  ];

  it('decodes our messages to the same values', () => {
    const lines = runPython('describe', fixed).toString('utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(
      fixed.map((bytes) => describeJs(oracle.unpack(bytes))),
    );
  }, 60_000);

  it('decodes arbitrary values we encode, and re-encodes them to bytes we decode back', () => {
    const values = fc.sample(wireValue, { numRuns: 300, seed: 42 });
    const encoded = values.map((value) => oracle.encode({ type: 'sample', value }));
    const described = runPython('describe', encoded).toString('utf8').trim().split('\n');
    expect(described.map((line) => JSON.parse(line))).toEqual(
      values.map((value) => describeJs({ type: 'sample', value })),
    );
    const echoed = frames(runPython('echo', encoded));
    // Python writes back our very bytes: the same standard forms (integers past 32 bits go
    // as float 64, which Python keeps as a float).
    expect(echoed.map((b) => b.toString('hex'))).toEqual(encoded.map((b) => b.toString('hex')));
    expect(echoed.map((bytes) => describeJs(oracle.decode(bytes)))).toEqual(
      values.map((value) => describeJs({ type: 'sample', value })),
    );
  }, 60_000);

  it("decodes and validates Python's own messages", () => {
    const messages = frames(runPython('emit')).map((bytes) => oracle.decode(bytes));
    expect(messages[0]).toEqual({ type: 'say', room: '#lobby', text: 'hello from Python ☃ 😀' });
    expect(messages[1]).toEqual({
      type: 'members',
      room: '#ops',
      members: [{ nick: 'guido' }, { nick: 'tim' }],
    });
    expect(messages[2]).toEqual({
      type: 'sample',
      value: [0, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1],
    });
    expect(messages[3]).toEqual({
      type: 'sample',
      value: [-1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 53 - 1)],
    });
    expect(messages[4]).toEqual({
      type: 'sample',
      value: [0.5, -1.25, 1e300, true, false, null, '', 'x'.repeat(300)],
    });
    const bin = messages[5] as { value: { bin: Uint8Array; nested: unknown } };
    expect(Buffer.from(bin.value.bin)).toEqual(Buffer.from([0, 0xff, 0x10]));
    expect(bin.value.nested).toEqual({ deep: [[], {}] });
    expect(messages[6]).toEqual({
      type: 'sample',
      value: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
    });
  }, 60_000);
});
