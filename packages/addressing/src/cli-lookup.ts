/** `netlab-ip lookup`: DNS questions through this package's helpers, with --trace. */
import { parseInteger, UsageError } from '@netlab/cli';
import { parseAddress } from './address.ts';
import type { Output, Values } from './cli.ts';
import {
  lookupAll,
  resolveA,
  resolveAAAA,
  resolveMx,
  resolvePtr,
  resolveSrv,
  resolveTxt,
} from './dns.ts';

/** Runs `lookup NAME|ADDRESS [--server HOST:PORT] [--type T] [--timeout MS]`; an address means PTR. */
export async function lookup(
  args: string[],
  values: Values,
  print: (d: unknown, t: string) => void,
  io: Output,
): Promise<number> {
  if (args.length !== 1)
    throw new UsageError(
      'usage: netlab-ip lookup NAME [--server HOST:PORT] [--type T] (try --help)',
    );
  const name = args[0]!;
  const timeout = parseInteger('--timeout', values.timeout ?? '2000', { min: 1, max: 600_000 });
  const options = { servers: values.server, timeout, tries: 2 };
  const isAddress = (() => {
    try {
      parseAddress(name);
      return true;
    } catch {
      return false;
    }
  })();
  const type = (values.type ?? (isAddress ? 'ptr' : 'addresses')).toLowerCase();
  const rows: { type: string; value: string }[] = [];
  // --trace: each question and its answer (or failure) on stderr, the dig-like view.
  const via = values.server?.join(', ') ?? 'the system resolver';
  const traced = async <T>(question: string, query: () => Promise<T>): Promise<T> => {
    if (!values.trace) return query();
    const started = performance.now();
    io.err(`> ${question} via ${via}\n`);
    try {
      const answer = await query();
      io.err(`< ${JSON.stringify(answer)} (${(performance.now() - started).toFixed(1)} ms)\n`);
      return answer;
    } catch (err) {
      io.err(
        `< ${(err as { code?: string }).code ?? 'error'} (${(performance.now() - started).toFixed(1)} ms)\n`,
      );
      throw err;
    }
  };
  const add = (t: string, items: string[]) =>
    rows.push(...items.map((value) => ({ type: t, value })));
  if (type === 'addresses') {
    for (const a of await traced(`A+AAAA ${name}`, () => lookupAll(name, options)))
      add(a.family === 6 ? 'AAAA' : 'A', [a.address]);
  } else if (type === 'a') add('A', await traced(`A ${name}`, () => resolveA(name, options)));
  else if (type === 'aaaa')
    add('AAAA', await traced(`AAAA ${name}`, () => resolveAAAA(name, options)));
  else if (type === 'mx') {
    for (const mx of await traced(`MX ${name}`, () => resolveMx(name, options))) {
      add('MX', [
        `${mx.priority} ${mx.exchange}${mx.implicit ? ' (implicit: no MX, the name has an address)' : ''}`,
      ]);
    }
  } else if (type === 'srv') {
    for (const s of await traced(`SRV ${name}`, () => resolveSrv(name, options)))
      add('SRV', [`${s.priority} ${s.weight} ${s.port} ${s.name}`]);
  } else if (type === 'txt')
    add(
      'TXT',
      (await traced(`TXT ${name}`, () => resolveTxt(name, options))).map((t) => JSON.stringify(t)),
    );
  else if (type === 'ptr') add('PTR', await traced(`PTR ${name}`, () => resolvePtr(name, options)));
  else throw new UsageError(`--type takes addresses, a, aaaa, mx, srv, txt or ptr, not '${type}'`);
  print(
    { name, records: rows },
    rows.map((r) => `${name}  ${r.type.padEnd(4)}  ${r.value}`).join('\n'),
  );
  return 0;
}
