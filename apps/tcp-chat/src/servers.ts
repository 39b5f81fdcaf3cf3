/** The servers a client may use, and which one is next: a reconnect moves on to the next. */
import { formatEndpoint } from '@netlab/addressing/endpoint';

export interface ServerAddress {
  host: string;
  port: number;
}

export class ServerList {
  #index = 0;

  constructor(readonly all: ServerAddress[]) {
    if (all.length === 0) throw new RangeError('a server list needs at least one server');
  }

  get current(): ServerAddress {
    return this.all[this.#index % this.all.length]!;
  }

  /** The current server as `host:port` (`[::1]:4040` for IPv6). */
  get label(): string {
    const { host, port } = this.current;
    return formatEndpoint({ host, port, family: host.includes(':') ? 'ipv6' : 'ipv4' });
  }

  advance(): void {
    this.#index++;
  }
}
