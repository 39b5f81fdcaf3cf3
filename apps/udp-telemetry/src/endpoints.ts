/** Command-line hosts and ports, parsed by @netlab/addressing so IPv6 and bad input behave as everywhere. */
import { type Endpoint, parseEndpoint, parseHost, parsePort } from '@netlab/addressing';

/** A host as a socket API wants it: IPv6 scoped addresses carry their `%zone`. */
export const socketHost = (h: { host: string; zone?: string }) =>
  h.zone ? `${h.host}%${h.zone}` : h.host;

export function hostOption(text: string | undefined, fallback: string): string {
  return socketHost(parseHost(text ?? fallback));
}

export function portOption(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : parsePort(text);
}

export function endpointOption(
  text: string,
  defaultPort: number,
): Endpoint & { socketHost: string } {
  const endpoint = parseEndpoint(text, { defaultPort, defaultHost: '127.0.0.1' });
  return { ...endpoint, socketHost: socketHost(endpoint) };
}
