/** Round-trip benchmark: protocol.encode + decode (msgpackr, then zod) vs JSON with the same zod. */
import { defineProtocol, type MessageOf, z } from '../src/index.ts';
import { cpuRates } from './measure.ts';

/** A chat protocol like apps/tcp-chat's, and a typical line of chat. */
export function chatProtocol() {
  return defineProtocol({
    name: 'bench-chat',
    version: 1,
    messages: {
      msg: {
        room: z.string(),
        seq: z.number().int(),
        ts: z.number(),
        from: z.string(),
        text: z.string(),
      },
      members: { room: z.string(), nicks: z.array(z.string()) },
    },
  });
}

export const typicalMessage = {
  type: 'msg',
  room: '#lobby',
  seq: 1042,
  ts: 1763812345678,
  from: 'ada',
  text: 'has anyone tried the new build? the tests pass for me',
} as const;

type Chat = ReturnType<typeof chatProtocol>;

/** Each contender turns a message into bytes and back, validating on the way in. */
export function contenders(): Record<string, (m: MessageOf<Chat>) => unknown> {
  const chat = chatProtocol();
  return {
    'msgpackr + zod': (m) => chat.decode(chat.encode(m)),
    'JSON + same zod': (m) => chat.validate(JSON.parse(Buffer.from(JSON.stringify(m)).toString())),
    'msgpackr, no validation': (m) => chat.unpack(chat.encode(m)),
    'JSON, no validation': (m) => JSON.parse(Buffer.from(JSON.stringify(m)).toString()),
  };
}

/** Round trips per CPU-second for each contender, best of `rounds` interleaved runs. */
export function benchRoundTrip(n: number, rounds: number): Record<string, number> {
  const all = contenders();
  for (const [name, fn] of Object.entries(all)) {
    const out = fn(typicalMessage) as { text?: string };
    if (out.text !== typicalMessage.text) throw new Error(`${name} lost the message`);
  }
  const calls = Object.fromEntries(
    Object.entries(all).map(([name, fn]) => [name, () => fn(typicalMessage)]),
  );
  return cpuRates(calls, n, rounds);
}
