/** netlab-ip: an ipcalc-like command over this package; `main.ts` runs it. */
import { parseCommandLine, parseInteger, UsageError } from '@netlab/cli';
import { parseAddress } from './address.ts';
import { lookup } from './cli-lookup.ts';
import { describeNetwork, flagNames, renderDescription } from './describe.ts';
import { listInterfaces } from './interfaces.ts';
import { IPNetwork } from './network.ts';
import { collapse, summarizeRange } from './ranges.ts';

const HELP = `netlab-ip: addresses, networks and DNS, checked against Python's ipaddress

Usage:
  netlab-ip ADDRESS[/PREFIX|/NETMASK]     describe an address or network (host bits allowed)
  netlab-ip subnets NETWORK --prefix N    split a network (--limit N lines, default 256)
  netlab-ip contains NETWORK ADDRESS...   is each address (or network) inside? exit 1 if not
  netlab-ip collapse NETWORK...           merge networks and addresses into the fewest networks
  netlab-ip summarize FIRST LAST          the networks covering an address range exactly
  netlab-ip lookup NAME|ADDRESS [--server HOST:PORT] [--type T] [--timeout MS]
                                          T: addresses (default), a, aaaa, mx, srv, txt, ptr
  netlab-ip interfaces                    local interfaces with their networks

Options:
  --json      print data as JSON
  --trace     print each DNS question and answer (lookup), and stacks on errors
  --help      this text

Examples:
  netlab-ip 192.168.0.186/24
  netlab-ip subnets 10.0.0.0/22 --prefix 24
  netlab-ip contains 10.0.0.0/8 10.1.2.3 192.168.1.1
  netlab-ip lookup mail.example.test --server 127.0.0.1:5353 --type mx
`;

/** Where the command writes; tests pass their own. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  trace: { type: 'boolean' },
  prefix: { type: 'string' },
  limit: { type: 'string' },
  server: { type: 'string', multiple: true },
  type: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** Prints data: as JSON with --json, else as the given text. */
export type Print = (data: unknown, text: string) => void;

export type Values = ReturnType<
  typeof parseCommandLine<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

/** Runs one command line; resolves to the exit code. */
export async function main(argv: string[], io: Output): Promise<number> {
  // `pnpm --filter addressing ip -- ARGS` hands the `--` on to us: it ended pnpm's options,
  // not ours, so drop it rather than let parseArgs read every later flag as a positional.
  const { values, positionals } = parseCommandLine({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: OPTIONS,
    allowPositionals: true,
  });
  if (values.help || positionals.length === 0) {
    io.out(HELP);
    return values.help ? 0 : 2;
  }
  const [command, ...rest] = positionals as [string, ...string[]];
  const print = (data: unknown, text: string) =>
    io.out(`${values.json ? JSON.stringify(data, null, 2) : text}\n`);
  switch (command) {
    case 'subnets':
      return subnets(rest, values, print, io);
    case 'contains':
      return contains(rest, print);
    case 'collapse': {
      need(rest, 1, 'collapse NETWORK...');
      const items = rest.map((t) =>
        t.includes('/') ? IPNetwork.parse(t, { strict: false }) : parseAddress(t),
      );
      const merged = collapse(items).map(String);
      print(merged, merged.join('\n'));
      return 0;
    }
    case 'summarize': {
      need(rest, 2, 'summarize FIRST LAST', 2);
      const nets = [...summarizeRange(parseAddress(rest[0]!), parseAddress(rest[1]!))].map(String);
      print(nets, nets.join('\n'));
      return 0;
    }
    case 'lookup':
      return lookup(rest, values, print, io);
    case 'interfaces':
      need(rest, 0, 'interfaces', 0);
      return interfaces(print);
    default: {
      need(rest, 0, 'ADDRESS[/PREFIX]', 0);
      const d = describeNetwork(command);
      print(d, renderDescription(d));
      return 0;
    }
  }
}

function need(args: string[], min: number, usage: string, max = Number.POSITIVE_INFINITY): void {
  if (args.length < min || args.length > max)
    throw new UsageError(`usage: netlab-ip ${usage} (try --help)`);
}

function subnets(args: string[], values: Values, print: Print, io: Output): number {
  need(args, 1, 'subnets NETWORK --prefix N', 1);
  const network = IPNetwork.parse(args[0]!, { strict: false });
  const prefix = parseInteger('--prefix', values.prefix ?? String(network.prefix + 1), {
    min: 0,
    max: network.bits,
  });
  const limit = parseInteger('--limit', values.limit ?? '256', { min: 1 });
  const list: string[] = [];
  for (const subnet of network.subnets(prefix)) {
    if (list.length === limit) break;
    list.push(String(subnet));
  }
  const total = prefix >= network.prefix ? 1n << BigInt(prefix - network.prefix) : 0n;
  if (BigInt(list.length) < total)
    io.err(`netlab-ip: showing ${list.length} of ${total} subnets (--limit N for more)\n`);
  print({ network: String(network), prefix, total: String(total), subnets: list }, list.join('\n'));
  return 0;
}

function contains(args: string[], print: Print): number {
  need(args, 2, 'contains NETWORK ADDRESS...');
  const network = IPNetwork.parse(args[0]!, { strict: false });
  const rows = args.slice(1).map((text) => {
    const inside = text.includes('/')
      ? (() => {
          const other = IPNetwork.parse(text, { strict: false });
          return other.version === network.version && other.subnetOf(network);
        })()
      : network.contains(parseAddress(text));
    return { item: text, network: String(network), contains: inside };
  });
  print(
    rows,
    rows.map((r) => `${r.item} is ${r.contains ? '' : 'not '}in ${r.network}`).join('\n'),
  );
  return rows.every((r) => r.contains) ? 0 : 1;
}

function interfaces(print: Print): number {
  const rows = listInterfaces().map((i) => ({
    name: i.name,
    address: String(i.address),
    network: String(i.network),
    internal: i.internal,
    mac: i.mac,
    classification: flagNames(i.address.classify()),
  }));
  const width = Math.max(...rows.map((r) => r.address.length), 7);
  const line = (r: (typeof rows)[number]) =>
    `${r.name.padEnd(8)} ${r.address.padEnd(width)}  ${r.network.padEnd(width + 4)}  ${r.classification.join(', ')}`;
  print(rows, rows.map(line).join('\n'));
  return 0;
}
