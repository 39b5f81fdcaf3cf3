/** Endpoints: `host:port`, `[v6]:port`, `[v6%zone]:port`, bare hosts and bare ports, strictly. */
import { AddressError, quote } from './errors.ts';
import { hostnameProblem, isHostname } from './hostname.ts';
import { ipv4Problem, ipv4Value } from './ipv4-text.ts';
import { formatIPv6, ipv6Problem, ipv6Words } from './ipv6-text.ts';

/**
 * What kind of host an endpoint names.
 * @example parseHost('example.test').family // 'hostname'
 */
export type HostFamily = 'ipv4' | 'ipv6' | 'hostname';

/**
 * A parsed host: canonical text (IPv6 in RFC 5952 form, without brackets or zone).
 * @example const host: Host = { host: 'fe80::1', family: 'ipv6', zone: 'eth0' };
 */
export interface Host {
  host: string;
  family: HostFamily;
  /** The IPv6 zone (scope) id, as in `fe80::1%eth0`; only ever set for IPv6. */
  zone?: string;
}

/**
 * A host and a port, ready for `net.connect({ host, port })` (add `%zone` for scoped IPv6).
 * @example const { host, port } = parseEndpoint('127.0.0.1:4040'); net.connect({ host, port });
 */
export interface Endpoint extends Host {
  port: number;
}

/**
 * Defaults for the parts an endpoint text may leave out.
 * @example parseEndpoint(':4040', { defaultHost: '127.0.0.1' }).host // '127.0.0.1'
 */
export interface EndpointOptions {
  /** Port used when the text has none (`example.test`, `[::1]`, `::1`). */
  defaultPort?: number;
  /** Host used when the text has none (`:80`, `80`). Parsed like any host. */
  defaultHost?: string;
}

const words = new Uint16Array(8);

/**
 * Parses a TCP/UDP port: 1-5 decimal digits, 0..65535 (0 means "any free port" to listen).
 * @param text the port as text, or a number to check
 * @returns the port number
 * @throws {AddressError} `ERR_INVALID_PORT` naming the text and what is wrong
 * @example parsePort('4040') // 4040
 */
export function parsePort(text: string | number): number {
  if (typeof text === 'number') {
    if (Number.isInteger(text) && text >= 0 && text <= 65535) return text;
    throw new AddressError('ERR_INVALID_PORT', `port ${text} is not an integer in 0..65535`);
  }
  if (typeof text !== 'string' || !/^[0-9]{1,5}$/.test(text)) {
    const why = text === '' ? 'is empty' : 'is not 1 to 5 decimal digits';
    throw new AddressError('ERR_INVALID_PORT', `port ${quote(String(text))} ${why}`, {
      input: String(text),
    });
  }
  const port = Number(text);
  if (port > 65535) {
    throw new AddressError('ERR_INVALID_PORT', `port ${port} is out of range 0..65535`, {
      input: text,
    });
  }
  return port;
}

/**
 * Parses a host alone: an IPv4 address, an IPv6 address (optionally `%zone`, optionally in
 * brackets) or an RFC 1123 host name.
 * @param text the host, without a port
 * @returns its canonical text and family, and the zone of a scoped IPv6 address
 * @throws {AddressError} `ERR_INVALID_ADDRESS` naming the text and what is wrong
 * @example parseHost('[FE80::1%eth0]') // { host: 'fe80::1', family: 'ipv6', zone: 'eth0' }
 */
export function parseHost(text: string): Host {
  if (typeof text !== 'string') {
    throw new AddressError('ERR_INVALID_ADDRESS', `host must be a string, got ${typeof text}`);
  }
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const bracketed = inner !== text;
  if (!bracketed && ipv4Value(inner) >= 0) return { host: inner, family: 'ipv4' };
  const percent = inner.indexOf('%');
  const end = percent < 0 ? inner.length : percent;
  if (inner.includes(':') || bracketed) {
    if (!ipv6Words(inner, words, 0, end)) {
      const why = bracketed && ipv4Value(inner) >= 0 ? 'brackets are only for IPv6' : null;
      throw invalidHost(text, why ?? `invalid IPv6 address: ${ipv6Problem(inner.slice(0, end))}`);
    }
    const host = formatIPv6(words);
    if (percent < 0) return { host, family: 'ipv6' };
    const zone = inner.slice(percent + 1);
    if (zone === '' || zone.includes('%') || /[\s/[\]]/.test(zone)) {
      throw invalidHost(text, `invalid zone id ${quote(zone)}`);
    }
    return { host, family: 'ipv6', zone };
  }
  if (percent >= 0) throw invalidHost(text, 'a zone id (%...) is only allowed on IPv6');
  if (isHostname(inner)) return { host: inner, family: 'hostname' };
  const why = /^[0-9.]+$/.test(inner)
    ? `invalid IPv4 address: ${ipv4Problem(inner)}`
    : hostnameProblem(inner);
  throw invalidHost(text, why);
}

function invalidHost(text: string, why: string): AddressError {
  return new AddressError('ERR_INVALID_ADDRESS', `invalid host ${quote(text)}: ${why}`, {
    input: text,
  });
}

function invalidEndpoint(text: string, why: string): AddressError {
  return new AddressError('ERR_INVALID_ENDPOINT', `invalid endpoint ${quote(text)}: ${why}`, {
    input: text,
  });
}

function withCause(err: unknown, text: string): never {
  if (err instanceof AddressError && err.code === 'ERR_INVALID_PORT') {
    throw new AddressError('ERR_INVALID_PORT', `invalid endpoint ${quote(text)}: ${err.message}`, {
      input: text,
      cause: err,
    });
  }
  throw err;
}

function portOf(text: string, portText: string | undefined, options: EndpointOptions): number {
  if (portText !== undefined) {
    try {
      return parsePort(portText);
    } catch (err) {
      withCause(err, text);
    }
  }
  if (options.defaultPort === undefined) {
    throw invalidEndpoint(text, 'no port given and no default port (write host:port)');
  }
  return parsePort(options.defaultPort);
}

function hostOf(text: string, hostText: string, options: EndpointOptions): Host {
  if (hostText !== '') return parseHost(hostText);
  if (options.defaultHost === undefined) {
    throw invalidEndpoint(text, 'no host given and no default host (write host:port)');
  }
  return parseHost(options.defaultHost);
}

/**
 * Parses `host:port` text into an {@link Endpoint}. Accepted forms:
 * `1.2.3.4:80`, `[::1]:80`, `[fe80::1%eth0]:80`, `example.test:80`; `:80` and a bare `80`
 * (the default host); a bare host, `[::1]` or a bare IPv6 literal such as `::1` or
 * `fe80::1%eth0` (the default port). A bare IPv6 literal never carries a port: `::1:80` is
 * the address `::1:80`; write `[::1]:80`.
 * @param text the endpoint as typed
 * @param options the host and port to use where the text has none
 * @returns host (canonical), family, zone (scoped IPv6 only) and port
 * @throws {AddressError} `ERR_INVALID_ENDPOINT` (shape, missing part), `ERR_INVALID_PORT`,
 *   `ERR_INVALID_ADDRESS` (bad IP literal or host name); the message names the input
 * @example parseEndpoint('[::1]:4040') // { host: '::1', port: 4040, family: 'ipv6' }
 * @example parseEndpoint('8080', { defaultHost: '127.0.0.1' }) // { host: '127.0.0.1', port: 8080, family: 'ipv4' }
 */
export function parseEndpoint(text: string, options: EndpointOptions = {}): Endpoint {
  if (typeof text !== 'string') {
    throw new AddressError('ERR_INVALID_ENDPOINT', `endpoint must be a string, got ${typeof text}`);
  }
  if (text === '') throw invalidEndpoint(text, 'it is empty');
  if (/\s/.test(text)) throw invalidEndpoint(text, 'it contains white space');
  const [hostText, portText] = text.startsWith('[') ? splitBracketed(text) : splitPlain(text);
  const host = hostOf(text, hostText, options);
  const port = portOf(text, portText, options);
  return { ...host, port };
}

/** `[v6]` or `[v6]:port` into host text (brackets kept) and port text. */
function splitBracketed(text: string): [host: string, port: string | undefined] {
  const close = text.indexOf(']');
  if (close < 0) throw invalidEndpoint(text, "'[' without a closing ']'");
  const rest = text.slice(close + 1);
  if (rest !== '' && !rest.startsWith(':')) {
    throw invalidEndpoint(text, `unexpected ${quote(rest)} after ']' (write [v6]:port)`);
  }
  return [text.slice(0, close + 1), rest === '' ? undefined : rest.slice(1)];
}

/** `host`, `host:port`, `:port`, `port`, or a bare IPv6 literal (two colons or more). */
function splitPlain(text: string): [host: string, port: string | undefined] {
  const first = text.indexOf(':');
  if (first < 0) {
    // A bare number is a port: "80" is not a host name (RFC 3696 §2) nor an address.
    return /^[0-9]+$/.test(text) ? ['', text] : [text, undefined];
  }
  if (text.indexOf(':', first + 1) < 0) return [text.slice(0, first), text.slice(first + 1)];
  const percent = text.indexOf('%');
  if (ipv6Words(text, words, 0, percent < 0 ? text.length : percent)) return [text, undefined];
  // Not an address: say so, and when it is one with `:port` stuck on, show the bracketed form.
  const colon = text.lastIndexOf(':');
  const [prefix, last] = [text.slice(0, colon), text.slice(colon + 1)];
  const hint =
    /^[0-9]+$/.test(last) && ipv6Words(prefix, words)
      ? `; an IPv6 address with a port needs brackets: [${prefix}]:${last}`
      : '';
  const why = ipv6Problem(percent < 0 ? text : text.slice(0, percent));
  throw new AddressError(
    'ERR_INVALID_ADDRESS',
    `invalid endpoint ${quote(text)}: invalid IPv6 address: ${why}${hint}`,
    { input: text },
  );
}

/**
 * Formats an endpoint as text that {@link parseEndpoint} reads back:
 * `127.0.0.1:4040`, `[::1]:4040`, `[fe80::1%eth0]:22`, `example.test:80`. Never throws.
 * @param endpoint a parsed endpoint (IPv6 gets brackets, and its zone inside them)
 * @returns `host:port` text
 * @example formatEndpoint({ host: '::1', port: 4040, family: 'ipv6' }) // '[::1]:4040'
 */
export function formatEndpoint(endpoint: Endpoint): string {
  const { host, port, zone } = endpoint;
  if (endpoint.family === 'ipv6' || host.includes(':')) {
    return zone ? `[${host}%${zone}]:${port}` : `[${host}]:${port}`;
  }
  return `${host}:${port}`;
}
