/** authorized_keys `from="pattern-list"`: OpenSSH's host/address patterns matched against the client. */
import { type IPAddress, parseAddress } from '@netlab/addressing/address';
import { type IPNetwork, parseNetwork } from '@netlab/addressing/network';

/** Allowed, or why not (a pattern refused it, none matched, or the list is malformed). */
export type FromVerdict = { ok: true } | { ok: false; reason: string };

/**
 * OpenSSH's match_pattern: `*` is any run of characters, `?` exactly one; the rest literal.
 * Iterative with one backtrack point, so a hostile pattern cannot make it exponential.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * A pattern that is an address or `address/masklen` becomes a network; one whose address part
 * parses but whose mask is impossible or leaves host bits set (`127.0.0.1/8`) is an error, as
 * in sshd's addr_pton_cidr ("inconsistent mask length"), which refuses the key. Anything else
 * (names, wildcards) is undefined: matched as text only.
 */
function asNetwork(pattern: string): IPNetwork | string | undefined {
  const slash = pattern.indexOf('/');
  const addressPart = slash < 0 ? pattern : pattern.slice(0, slash);
  const mask = slash < 0 ? '' : pattern.slice(slash + 1);
  if (slash >= 0 && !/^\d{1,3}$/.test(mask)) return undefined;
  try {
    parseAddress(addressPart);
  } catch {
    return undefined;
  }
  try {
    return parseNetwork(pattern, { strict: true });
  } catch (err) {
    return `inconsistent network ${pattern}: ${(err as Error).message}`;
  }
}

/**
 * sshd's match_host_and_ip for a `from=` list. Comma-separated patterns, each optionally
 * negated with `!`; an address or CIDR entry is compared by containment, every entry is also
 * a `*`/`?` wildcard over the client's host name. This server does no reverse DNS (sshd's
 * default, UseDNS no), so the host name IS the address text (`127.0.0.1`, `::1`): a name
 * pattern like `*.example.com` matches nothing. A negated match refuses the key even when
 * another pattern matches; no match at all refuses it too; a malformed entry refuses it.
 */
export function matchFrom(list: string, address: IPAddress): FromVerdict {
  const text = address.toString();
  let matched = false;
  const entries = list.split(',');
  for (const entry of entries) {
    const pattern = entry.startsWith('!') ? entry.slice(1) : entry;
    if (pattern === '') return { ok: false, reason: `empty pattern in from="${list}"` };
    const network = asNetwork(pattern);
    if (typeof network === 'string') return { ok: false, reason: network };
  }
  for (const entry of entries) {
    const negated = entry.startsWith('!');
    const pattern = negated ? entry.slice(1) : entry;
    const network = asNetwork(pattern) as IPNetwork | undefined;
    // Host name patterns are compared in lower case (match_hostname); address text is lower case.
    const hit = network?.contains(address) || globMatch(pattern.toLowerCase(), text);
    if (hit && negated) return { ok: false, reason: `${text} is excluded by ${entry}` };
    if (hit) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: `${text} matches no pattern of "${list}"` };
}

/**
 * Of the authorized_keys lines holding the offered key, the first whose `from=` admits this
 * client, as sshd scans the file: a line that does not admit it is passed over, not fatal.
 * Otherwise the refusal of the first such line, for the log.
 */
export function firstAllowedLine<T extends { from?: string | undefined; line: number }>(
  lines: T[],
  address: IPAddress | undefined,
): { entry: T } | { refusal: string | undefined } {
  let refusal: string | undefined;
  for (const line of lines) {
    if (line.from === undefined) return { entry: line };
    const verdict: FromVerdict = address
      ? matchFrom(line.from, address)
      : { ok: false, reason: 'client address unknown' };
    if (verdict.ok) return { entry: line };
    refusal ??= `authorized_keys line ${line.line}: from= refuses: ${verdict.reason}`;
  }
  return { refusal };
}
