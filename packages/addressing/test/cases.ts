/** Seeded generator of random and edge-case inputs for the differential test against Python. */

export interface Case {
  op: string;
  args: unknown[];
}

/** mulberry32: a small seeded PRNG, so a failing seed reproduces. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Boundaries of every special range Python knows, and the edges of the address space.
const SPECIAL4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.0.8/29',
  '192.0.0.170/31',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '255.255.255.255/32',
];
const SPECIAL6 = [
  '::/127',
  '::ffff:0:0/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:1::/126',
  '2001:3::/32',
  '2001:4:112::/48',
  '2001:20::/28',
  '2001:30::/28',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
  '200::/7',
  'fe00::/9',
  'f800::/6',
  'e000::/4',
];

const NOISE = [
  '.',
  ':',
  '::',
  '0',
  '1',
  '9',
  'f',
  'F',
  'g',
  '%',
  '/',
  '[',
  ']',
  ' ',
  '00',
  '256',
  '-',
  'x',
];

export class Generator {
  readonly random: () => number;
  constructor(seed: number) {
    this.random = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  big(bits: number): bigint {
    let v = 0n;
    for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(this.int(65536));
    return v & ((1n << BigInt(bits)) - 1n);
  }

  /** An address as an integer: uniform, or at/near an edge of a special range. */
  value(version: 4 | 6): bigint {
    const bits = version === 4 ? 32 : 128;
    if (this.chance(0.3)) return this.big(bits);
    const [text, prefix] = this.pick(version === 4 ? SPECIAL4 : SPECIAL6).split('/') as [
      string,
      string,
    ];
    const base = version === 4 ? v4ToBig(text) : v6ToBig(text);
    const size = 1n << BigInt(bits - Number(prefix));
    const offset = this.pick([0n, 1n, size - 1n, size, size - 2n, -1n, this.big(bits) % size]);
    const max = (1n << BigInt(bits)) - 1n;
    const v = base + offset;
    return v < 0n ? 0n : v > max ? max : v;
  }

  /** Valid address text in one of its spellings. */
  addressText(version: 4 | 6): string {
    const v = this.value(version);
    if (version === 4) return bigToV4(v);
    const words = Array.from({ length: 8 }, (_, k) =>
      Number((v >> BigInt(112 - 16 * k)) & 0xffffn),
    );
    if (this.chance(0.4)) {
      // Runs of zeros, so compression is exercised on every shape.
      const start = this.int(8);
      const length = this.int(9 - start);
      for (let k = start; k < start + length; k++) words[k] = 0;
    }
    let text: string;
    const style = this.int(4);
    if (style === 0) text = words.map((w) => w.toString(16).padStart(4, '0')).join(':');
    else if (style === 1) text = words.map((w) => w.toString(16).toUpperCase()).join(':');
    else if (style === 2) {
      text = `${words
        .slice(0, 6)
        .map((w) => w.toString(16))
        .join(':')}:${bigToV4(BigInt((words[6]! << 16) | words[7]!) & 0xffffffffn)}`;
    } else text = compressAt(words, this.int(8));
    if (this.chance(0.1)) text += `%${this.pick(['eth0', '1', 'lo', '%', '', 'a/b'])}`;
    return text;
  }

  /** Text that is often valid, often subtly not. */
  anyAddressText(): string {
    const version = this.chance(0.5) ? 4 : 6;
    const text = this.addressText(version);
    return this.chance(0.35) ? this.mutate(text) : text;
  }

  mutate(text: string): string {
    const i = this.int(text.length + 1);
    switch (this.int(5)) {
      case 0:
        return text.slice(0, i) + this.pick(NOISE) + text.slice(i);
      case 1:
        return text.slice(0, i) + text.slice(i + 1);
      case 2:
        return text.slice(0, i) + text.slice(i, i + 3) + text.slice(i);
      case 3:
        return `${text.slice(0, i)}0${text.slice(i)}`;
      default:
        return text.slice(0, i);
    }
  }

  /** Network text: address/prefix (sometimes a netmask or hostmask), often with host bits. */
  /** `zoned`: sometimes give IPv6 a zone (parse and properties only: range operations ignore zones). */
  networkText(version: 4 | 6 = this.chance(0.5) ? 4 : 6, zoned = false): string {
    const bits = version === 4 ? 32 : 128;
    let prefix = this.chance(0.2)
      ? this.pick([0, 1, bits - 2, bits - 1, bits])
      : this.int(bits + 1);
    const v = this.value(version);
    const masked = this.chance(0.6)
      ? v & ~((1n << BigInt(bits - prefix)) - 1n) & ((1n << BigInt(bits)) - 1n)
      : v;
    const address = version === 4 ? bigToV4(masked) : compressAt(toWords(masked), -1);
    if (version === 4 && this.chance(0.15)) {
      const mask = prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
      return `${address}/${bigToV4(this.chance(0.5) ? mask : mask ^ 0xffffffffn)}`;
    }
    if (this.chance(0.03)) prefix = bits + 1 + this.int(5);
    const zone = zoned && version === 6 && this.chance(0.1) ? '%eth1' : '';
    return `${address}${zone}/${prefix}`;
  }
}

export function v4ToBig(text: string): bigint {
  return text.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}
export function bigToV4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
}
function toWords(v: bigint): number[] {
  return Array.from({ length: 8 }, (_, k) => Number((v >> BigInt(112 - 16 * k)) & 0xffffn));
}
export function v6ToBig(text: string): bigint {
  const [head, tail] = text.split('::') as [string, string | undefined];
  const hi = head === '' ? [] : head.split(':');
  const lo = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [...hi, ...Array(8 - hi.length - lo.length).fill('0'), ...lo];
  return words.reduce((acc, w) => (acc << 16n) | BigInt(Number.parseInt(w, 16)), 0n);
}
/** Writes words with `::` at the zero run starting at `at` (any run, not only the longest). */
function compressAt(words: number[], at: number): string {
  let start = at;
  while (start >= 0 && start < 8 && words[start] !== 0) start++;
  if (start < 0 || start >= 8) return words.map((w) => w.toString(16)).join(':');
  let end = start;
  while (end < 8 && words[end] === 0) end++;
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  return `${hex(words.slice(0, start))}::${hex(words.slice(end))}`;
}

// Hand-picked cases every run checks, whatever the seed.
const FIXED_ADDRESSES = [
  '0.0.0.0',
  '255.255.255.255',
  '127.0.0.1',
  '01.2.3.4',
  '1.2.3',
  '1.2.3.4.5',
  '256.1.1.1',
  '1..2.3',
  '',
  ' ',
  '::',
  '::1',
  '::ffff:1.2.3.4',
  '::ffff:01.2.3.4',
  '1::',
  '1::2::3',
  ':::',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7::8',
  '12345::',
  'fe80::1%eth0',
  'fe80::1%',
  'fe80::1%a%b',
  'fe80::1%a/b',
  '1.2.3.4%eth0',
  '::1.2.3.4',
  '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7:1.2.3.4',
  '2001:db8:0:0:1:0:0:1',
  '2001:0:0:1:0:0:0:1',
  '2001:db8::1:0:0:1',
  '2002:c000:0204::1',
  '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  '192.0.0.9',
  '192.0.0.10',
  '192.0.0.171',
  '100.64.0.1',
  '::ffff:10.0.0.1',
  '::ffff:100.64.0.1',
  '2001:1::1',
  '2001:1::3',
  'fec0::1',
  'ff02::1',
  'ABCD::EF',
  '1:2:3:4:5:6:7:8%zone',
  '[::1]',
  '::1/128',
  '0x1.2.3.4',
  '1.2.3.4 ',
  '１.2.3.4',
];
const FIXED_NETWORKS = [
  '10.0.0.0/8',
  '10.0.0.1/8',
  '10.0.0.0/255.0.0.0',
  '10.0.0.0/0.255.255.255',
  '10.0.0.0/255.0.255.0',
  '10.0.0.0/33',
  '10.0.0.0/-1',
  '10.0.0.0/',
  '10.0.0.0/024',
  '1.2.3.4/32',
  '1.2.3.4/31',
  '0.0.0.0/0',
  '::/0',
  '::/128',
  '::1/127',
  'fe80::1%eth0/64',
  '2001:db8::/129',
  '2001:db8::/ffff::',
  '2001:db8::/32/1',
  '1.2.3.4',
  '192.0.0.8/29',
  '192.0.0.0/29',
  '100.64.0.0/10',
  '100.64.0.0/9',
  '2001::/32',
  '2001::/23',
  '2001:1::/126',
  '::ffff:0:0/96',
  '::ffff:10.0.0.0/104',
  'fe80::/10',
  'fe80::%eth0/64',
  '255.255.255.255/32',
];

/** Builds the batch of cases for one seed: fixed edge cases first, then `count` random ones. */
export function buildCases(seed: number, count: number): Case[] {
  const g = new Generator(seed);
  const cases: Case[] = [];
  for (const t of FIXED_ADDRESSES) cases.push({ op: 'address', args: [t] });
  for (const t of FIXED_NETWORKS) {
    cases.push({ op: 'network', args: [t, true] }, { op: 'network', args: [t, false] });
    cases.push({ op: 'interface', args: [t] });
  }
  const v = (): 4 | 6 => (g.chance(0.5) ? 4 : 6);
  const pairNet = (): [string, string] => {
    const version = v();
    return [g.networkText(version), g.chance(0.9) ? g.networkText(version) : g.networkText()];
  };
  const makers: (() => Case)[] = [
    () => ({ op: 'address', args: [g.anyAddressText()] }),
    () => ({ op: 'address', args: [g.anyAddressText()] }),
    () => {
      const version = v();
      const bits = version === 4 ? 32 : 128;
      const value = g.chance(0.1) ? (1n << BigInt(bits)) + g.big(8) - 4n : g.value(version);
      return { op: 'from_int', args: [version, value.toString()] };
    },
    () => {
      const version = v();
      const n = g.chance(0.5)
        ? g.big(g.pick([4, 16, 32])) - g.big(g.pick([4, 16, 32]))
        : g.value(version);
      return { op: 'add', args: [g.addressText(version).split('%')[0], n.toString()] };
    },
    () => {
      const version = v();
      const other = g.chance(0.9) ? version : version === 4 ? 6 : 4;
      const a = g.addressText(version);
      return { op: 'address_cmp', args: [a, g.chance(0.2) ? a : g.addressText(other)] };
    },
    () => ({
      op: 'network',
      args: [
        g.chance(0.2) ? g.mutate(g.networkText()) : g.networkText(undefined, true),
        g.chance(0.5),
      ],
    }),
    () => ({ op: 'network', args: [g.networkText(undefined, true), true] }),
    () => {
      const version = v();
      const [address, mask] = g.networkText(version).split('/') as [string, string];
      const zone = version === 6 && g.chance(0.2) ? '%eth0' : '';
      const t = `${g.chance(0.5) ? g.addressText(version).split('%')[0] : address}${zone}/${mask}`;
      return { op: 'interface', args: [g.chance(0.1) ? g.mutate(t) : t] };
    },
    () => {
      const version = v();
      const a = g.networkText(version).split('/')[0]!;
      const b = g.chance(0.3) ? a : g.addressText(version).split('%')[0]!;
      const other = g.chance(0.9) ? version : version === 4 ? 6 : 4;
      return {
        op: 'interface_cmp',
        args: [`${a}/${g.int(33)}`, `${g.chance(0.9) ? b : g.addressText(other)}/${g.int(33)}`],
      };
    },
    () => {
      const network = g.networkText();
      const version = network.includes(':') ? 6 : 4;
      return {
        op: 'contains',
        args: [network, g.addressText(g.chance(0.9) ? version : 4).split('%')[0]],
      };
    },
    () => ({ op: 'overlaps', args: pairNet() }),
    () => ({ op: 'subnet_of', args: pairNet() }),
    () => ({ op: 'supernet_of', args: pairNet() }),
    () => ({ op: 'network_cmp', args: pairNet() }),
    () => {
      let network = g.networkText();
      while (!/\/[0-9]+$/.test(network)) network = g.networkText();
      const prefix = Number(network.split('/')[1]);
      const bits = network.includes(':') ? 128 : 32;
      const p = Number.isInteger(prefix) && prefix <= bits ? prefix : bits;
      // At most 2^8 subnets, so neither side enumerates the universe.
      const newPrefix = g.chance(0.1) ? g.pick([p - 1, p - 5, bits + 1]) : p + g.int(9);
      return { op: 'subnets', args: [network, newPrefix] };
    },
    () => {
      const network = g.networkText();
      return { op: 'supernet', args: [network, g.int(140) - 5] };
    },
    () => {
      const [outer, inner] = [g.networkText(), g.networkText()];
      // Mostly make inner a real subnet of outer, so exclusion is exercised.
      const prefixOuter = Number(outer.split('/')[1]);
      if (
        g.chance(0.8) &&
        Number.isInteger(prefixOuter) &&
        !outer.includes('/', outer.indexOf('/') + 1)
      ) {
        const address = outer.split('/')[0]!;
        const bits = address.includes(':') ? 128 : 32;
        const p = Math.min(bits, prefixOuter + g.int(12));
        return { op: 'exclude', args: [`${address}/${prefixOuter}`, `${address}/${p}`] };
      }
      return { op: 'exclude', args: [outer, inner] };
    },
    () => {
      const version = g.chance(0.95) ? v() : undefined;
      const items = Array.from({ length: 1 + g.int(8) }, () =>
        g.chance(0.5) ? g.networkText(version) : g.addressText(version ?? v()).split('%')[0]!,
      );
      return { op: 'collapse', args: [items] };
    },
    () => {
      const version = v();
      const first = g.value(version);
      const last = g.chance(0.9) ? first + g.big(g.pick([4, 8, 16, 24])) : g.value(version);
      const bits = version === 4 ? 32 : 128;
      const clamp = (x: bigint) => (x >= 1n << BigInt(bits) ? (1n << BigInt(bits)) - 1n : x);
      const show = (x: bigint) => (version === 4 ? bigToV4(x) : compressAt(toWords(x), 0));
      return { op: 'summarize', args: [show(first), show(clamp(last))] };
    },
  ];
  for (let i = 0; i < count; i++) cases.push(g.pick(makers)());
  return cases;
}
