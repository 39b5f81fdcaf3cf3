/** Cold start of one schema library in a fresh plain-node process: import, build, validate once. */
const name = process.argv[2];
const start = performance.now();
if (name === 'valibot') {
  const v = await import('valibot');
  const say = v.object({ type: v.literal('say'), room: v.string(), text: v.string() });
  v.parse(say, { type: 'say', room: 'r', text: 't' });
} else if (name === 'zod') {
  const { z } = await import('zod');
  const say = z.object({ type: z.literal('say'), room: z.string(), text: z.string() });
  say.parse({ type: 'say', room: 'r', text: 't' });
} else if (name === 'typebox') {
  const { default: Type } = await import('typebox');
  const { default: Compile } = await import('typebox/compile');
  const say = Compile(
    Type.Object({ type: Type.Literal('say'), room: Type.String(), text: Type.String() }),
  );
  if (!say.Check({ type: 'say', room: 'r', text: 't' })) throw new Error('typebox rejected');
} else {
  throw new Error(`unknown library ${name}`);
}
console.log((performance.now() - start).toFixed(1));
