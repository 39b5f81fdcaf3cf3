/** Command-line hosts and ports, parsed by @netlab/addressing so IPv6 and bad input behave as everywhere. */
import {
  AddressError,
  type Endpoint,
  parseEndpoint,
  parseHost,
  parsePort,
} from '@netlab/addressing/endpoint';
import { UsageError } from '@netlab/cli';

/** A host as a socket API wants it: IPv6 scoped addresses carry their `%zone`. */
export const socketHost = (h: { host: string; zone?: string }) =>
  h.zone ? `${h.host}%${h.zone}` : h.host;

/** A bad address typed on the command line is a usage error (exit 2), with the parser's code. */
function usage<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AddressError)
      throw new UsageError(`${flag}: ${error.code} ${error.message}`, { cause: error });
    throw error;
  }
}

export function hostOption(text: string | undefined, fallback: string): string {
  return socketHost(usage('--host', () => parseHost(text ?? fallback)));
}

export function portOption(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : usage('--port', () => parsePort(text));
}

export function endpointOption(
  flag: string,
  text: string,
  defaultPort: number,
): Endpoint & { socketHost: string } {
  const endpoint = usage(flag, () =>
    parseEndpoint(text, { defaultPort, defaultHost: '127.0.0.1' }),
  );
  return { ...endpoint, socketHost: socketHost(endpoint) };
}
