/** Benchmark: parse + contains + format, @netlab/addressing vs ipaddr.js and ip-address, same run. */
import type { BlockList } from 'node:net';
import { Address4, Address6 } from 'ip-address';
import ipaddr from 'ipaddr.js';
import { parseAddress, parseNetwork, toBlockList } from '../src/index.ts';

const ROUND_MS = Number(process.env.BENCH_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const INPUTS = 4096;

/** Deterministic inputs: half inside the network, half outside; IPv6 with zero runs. */
function inputs(version: 4 | 6): string[] {
  let seed = 42;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const out: string[] = [];
  for (let i = 0; i < INPUTS; i++) {
    if (version === 4) {
      const first = i % 2 === 0 ? 10 : 1 + (next() % 223);
      out.push(`${first}.${next() % 256}.${next() % 256}.${next() % 256}`);
    } else {
      const words = Array.from({ length: 8 }, () =>
        (next() % 4 === 0 ? 0 : next() % 65536).toString(16),
      );
      if (i % 2 === 0) words.splice(0, 2, '2001', 'db8');
      if (i % 3 === 0) words.fill('0', 3, 6);
      out.push(words.join(':'));
    }
  }
  return out;
}

type Op = (text: string) => number;

function makeOps(cidr: string): Record<string, Op> {
  const ours = parseNetwork(cidr);
  const range = ipaddr.parseCIDR(cidr);
  const v6 = cidr.includes(':');
  const subnet = v6 ? new Address6(cidr) : new Address4(cidr);
  return {
    '@netlab/addressing': (text) => {
      const a = parseAddress(text);
      return (ours.contains(a) ? 1 : 0) + a.toString().length;
    },
    'ipaddr.js': (text) => {
      const a = ipaddr.parse(text);
      return (a.kind() === range[0].kind() && a.match(range) ? 1 : 0) + a.toString().length;
    },
    'ip-address': (text) => {
      const a = v6 ? new Address6(text) : new Address4(text);
      return (a.isInSubnet(subnet as never) ? 1 : 0) + a.correctForm().length;
    },
  };
}

function measure(op: Op, texts: string[]): number {
  let ops = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ROUND_MS) {
    for (const text of texts) sink += op(text);
    ops += texts.length;
    now = performance.now();
  }
  if (sink === -1) console.log('unreachable');
  return (ops / (now - start)) * 1000;
}

function run(label: string, cidr: string, version: 4 | 6): void {
  const texts = inputs(version);
  const ops = makeOps(cidr);
  const names = Object.keys(ops);
  // The three must agree on the work before their speed means anything.
  const answers = names.map((name) => texts.map((t) => ops[name]!(t)).join(','));
  if (new Set(answers).size !== 1)
    throw new Error(`${label}: the libraries disagree on the workload`);
  const best = new Map(names.map((n) => [n, 0]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) best.set(name, Math.max(best.get(name)!, measure(ops[name]!, texts)));
  }
  const ours = best.get('@netlab/addressing')!;
  const peers = names.slice(1).map((n) => [n, best.get(n)!] as const);
  const fastest = Math.max(...peers.map(([, v]) => v));
  const show = (v: number) => `${(v / 1e6).toFixed(2)}M ops/s`;
  console.log(
    `${label}: @netlab/addressing ${show(ours)} | ${peers.map(([n, v]) => `${n} ${show(v)}`).join(' | ')} | ratio vs faster peer ${(ours / fastest).toFixed(2)}x`,
  );
}

console.log(
  `parse + contains + format, ${INPUTS} inputs, best of ${ROUNDS} rounds of ${ROUND_MS} ms, node ${process.version}`,
);
run('ipv4 (10.0.0.0/8)', '10.0.0.0/8', 4);
run('ipv6 (2001:db8::/32)', '2001:db8::/32', 6);

/** Membership of address text: our parse + contains against node:net's BlockList.check (C++). */
function runBlockList(label: string, cidr: string, version: 4 | 6): void {
  const texts = inputs(version);
  const ours = parseNetwork(cidr);
  const list: BlockList = toBlockList([ours]);
  const type = version === 4 ? 'ipv4' : 'ipv6';
  const ops: Record<string, Op> = {
    '@netlab/addressing': (text) => (ours.contains(parseAddress(text)) ? 1 : 0),
    'net.BlockList': (text) => (list.check(text, type) ? 1 : 0),
  };
  const a = texts.map((t) => ops['@netlab/addressing']!(t)).join();
  if (a !== texts.map((t) => ops['net.BlockList']!(t)).join())
    throw new Error(`${label}: disagree`);
  let [mine, node] = [0, 0];
  for (let round = 0; round < ROUNDS; round++) {
    mine = Math.max(mine, measure(ops['@netlab/addressing']!, texts));
    node = Math.max(node, measure(ops['net.BlockList']!, texts));
  }
  const show = (v: number) => `${(v / 1e6).toFixed(2)}M ops/s`;
  console.log(
    `${label}: @netlab/addressing ${show(mine)} | net.BlockList ${show(node)} | ratio ${(mine / node).toFixed(2)}x`,
  );
}

runBlockList('contains(text) ipv4', '10.0.0.0/8', 4);
runBlockList('contains(text) ipv6', '2001:db8::/32', 6);
