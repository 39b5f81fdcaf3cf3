/** Measure candidate schema libraries (valibot, zod 4, TypeBox 1) on typical chat messages. */
import Type from 'typebox';
import Compile from 'typebox/compile';
import * as v from 'valibot';
import { z } from 'zod';

/** A typical chat line and a room listing, plus a listing with one bad nested field. */
export const samples = {
  say: {
    type: 'say',
    room: 'lobby',
    from: 'ada',
    text: 'hello everyone, how are you today?',
    ts: 1763812345678,
  },
  members: {
    type: 'members',
    room: 'lobby',
    members: Array.from({ length: 20 }, (_, i) => ({ nick: `user${i}`, since: 1763812345678 + i })),
  },
  badMembers: {
    type: 'members',
    room: 'lobby',
    members: Array.from({ length: 20 }, (_, i) => ({ nick: i === 2 ? 7 : `user${i}`, since: i })),
  },
};

type Check = (value: unknown) => { ok: true; value: unknown } | { ok: false; path: string };
interface Candidate {
  say: Check;
  members: Check;
}

function valibotCandidate(): Candidate {
  const say = v.object({
    type: v.literal('say'),
    room: v.string(),
    from: v.string(),
    text: v.string(),
    ts: v.number(),
  });
  const members = v.object({
    type: v.literal('members'),
    room: v.string(),
    members: v.array(v.object({ nick: v.string(), since: v.number() })),
  });
  const config = { abortEarly: true } as const;
  const wrap =
    (schema: v.GenericSchema): Check =>
    (value) => {
      const result = v.safeParse(schema, value, config);
      if (result.success) return { ok: true, value: result.output };
      return { ok: false, path: (result.issues[0].path ?? []).map((p) => p.key).join('.') };
    };
  return { say: wrap(say), members: wrap(members) };
}

function zodCandidate(): Candidate {
  const say = z.object({
    type: z.literal('say'),
    room: z.string(),
    from: z.string(),
    text: z.string(),
    ts: z.number(),
  });
  const members = z.object({
    type: z.literal('members'),
    room: z.string(),
    members: z.array(z.object({ nick: z.string(), since: z.number() })),
  });
  const wrap =
    (schema: z.ZodType): Check =>
    (value) => {
      const result = schema.safeParse(value);
      if (result.success) return { ok: true, value: result.data };
      return { ok: false, path: result.error.issues[0]!.path.join('.') };
    };
  return { say: wrap(say), members: wrap(members) };
}

function typeboxCandidate(): Candidate {
  const say = Compile(
    Type.Object({
      type: Type.Literal('say'),
      room: Type.String(),
      from: Type.String(),
      text: Type.String(),
      ts: Type.Number(),
    }),
  );
  const members = Compile(
    Type.Object({
      type: Type.Literal('members'),
      room: Type.String(),
      members: Type.Array(Type.Object({ nick: Type.String(), since: Type.Number() })),
    }),
  );
  const wrap =
    (validator: {
      Check(value: unknown): boolean;
      Errors(value: unknown): { instancePath: string }[];
    }): Check =>
    (value) => {
      if (validator.Check(value)) return { ok: true, value };
      return { ok: false, path: validator.Errors(value)[0]!.instancePath };
    };
  return { say: wrap(say), members: wrap(members) };
}

export const candidates: Record<string, () => Candidate> = {
  valibot: valibotCandidate,
  zod: zodCandidate,
  typebox: typeboxCandidate,
};

/** Operations per second of `fn`, best of `rounds` timed batches of `n` calls. */
export function opsPerSecond(fn: () => unknown, n: number, rounds: number): number {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, n / seconds);
  }
  return best;
}
