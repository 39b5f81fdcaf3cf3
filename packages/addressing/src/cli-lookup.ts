/** `netlab-ip lookup`: DNS questions through this package's helpers, with --trace. */
import { parseInteger, UsageError } from '@netlab/cli';
import { parseAddress } from './address.ts';
import type { Output, Print, Values } from './cli.ts';
import { type DnsOptions, lookupAll, resolveA, resolveAAAA } from './dns.ts';
import { resolveMx, resolvePtr, resolveSrv, resolveTxt } from './dns-records.ts';

/** One answer line: record type and its value as text. */
interface Row {
  type: string;
  value: string;
}

type Query = (name: string, options: DnsOptions) => Promise<Row[]>;

const rows = (type: string, values: string[]): Row[] => values.map((value) => ({ type, value }));

// Each --type: the question it asks and how its answers print.
const QUERIES: Record<string, [question: string, query: Query]> = {
  addresses: [
    'A+AAAA',
    async (n, o) =>
      (await lookupAll(n, o)).map((a) => ({
        type: a.family === 6 ? 'AAAA' : 'A',
        value: a.address,
      })),
  ],
  a: ['A', async (n, o) => rows('A', await resolveA(n, o))],
  aaaa: ['AAAA', async (n, o) => rows('AAAA', await resolveAAAA(n, o))],
  mx: [
    'MX',
    async (n, o) =>
      (await resolveMx(n, o)).map((mx) => ({
        type: 'MX',
        value: `${mx.priority} ${mx.exchange}${mx.implicit ? ' (implicit: no MX, the name has an address)' : ''}`,
      })),
  ],
  srv: [
    'SRV',
    async (n, o) =>
      (await resolveSrv(n, o)).map((s) => ({
        type: 'SRV',
        value: `${s.priority} ${s.weight} ${s.port} ${s.name}`,
      })),
  ],
  txt: [
    'TXT',
    async (n, o) =>
      rows(
        'TXT',
        (await resolveTxt(n, o)).map((t) => JSON.stringify(t)),
      ),
  ],
  ptr: ['PTR', async (n, o) => rows('PTR', await resolvePtr(n, o))],
};

function isAddress(text: string): boolean {
  try {
    parseAddress(text);
    return true;
  } catch {
    return false;
  }
}

/** --trace: the question and its answer (or failure) on stderr, the dig-like view. */
async function traced(
  io: Output,
  question: string,
  via: string,
  ask: () => Promise<Row[]>,
): Promise<Row[]> {
  const started = performance.now();
  const took = () => `(${(performance.now() - started).toFixed(1)} ms)`;
  io.err(`> ${question} via ${via}\n`);
  try {
    const answer = await ask();
    io.err(`< ${JSON.stringify(answer.map((r) => r.value))} ${took()}\n`);
    return answer;
  } catch (err) {
    io.err(`< ${(err as { code?: string }).code ?? 'error'} ${took()}\n`);
    throw err;
  }
}

/** Runs `lookup NAME|ADDRESS [--server HOST:PORT] [--type T] [--timeout MS]`; an address means PTR. */
export async function lookup(
  args: string[],
  values: Values,
  print: Print,
  io: Output,
): Promise<number> {
  if (args.length !== 1) {
    throw new UsageError(
      'usage: netlab-ip lookup NAME [--server HOST:PORT] [--type T] (try --help)',
    );
  }
  const name = args[0]!;
  const timeout = parseInteger('--timeout', values.timeout ?? '2000', { min: 1, max: 600_000 });
  const options: DnsOptions = { servers: values.server, timeout, tries: 2 };
  const type = (values.type ?? (isAddress(name) ? 'ptr' : 'addresses')).toLowerCase();
  const entry = QUERIES[type];
  if (!entry)
    throw new UsageError(`--type takes ${Object.keys(QUERIES).join(', ')}, not '${type}'`);
  const [question, query] = entry;
  const ask = () => query(name, options);
  const via = values.server?.join(', ') ?? 'the system resolver';
  const answer = values.trace ? await traced(io, `${question} ${name}`, via, ask) : await ask();
  print(
    { name, records: answer },
    answer.map((r) => `${name}  ${r.type.padEnd(4)}  ${r.value}`).join('\n'),
  );
  return 0;
}
