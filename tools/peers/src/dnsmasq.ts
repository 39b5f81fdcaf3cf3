/** startDnsmasq: an authoritative-only DNS server on 127.0.0.1:<port> (UDP+TCP) with given records. */
import { startDaemon } from './daemon.ts';
import { PeerError } from './errors.ts';
import { ensureInstalled } from './install.ts';
import { launchInStateDir } from './launch.ts';
import { HOST } from './ports.ts';
import { DNSMASQ } from './requirement-dnsmasq.ts';
import { writeStateFile } from './state.ts';

/** Records to serve. Names are fully qualified without the trailing dot. */
export interface DnsRecords {
  /** [name, IPv4] */
  a?: [string, string][];
  /** [name, IPv6] */
  aaaa?: [string, string][];
  /** [name, exchange host, preference] */
  mx?: [string, string, number][];
  /** [`_service._proto.name`, target, port, priority?, weight?] */
  srv?: [string, string, number, number?, number?][];
  /** [name, text]; one string per TXT record. */
  txt?: [string, string][];
  /** [`4.3.2.1.in-addr.arpa`, target name] */
  ptr?: [string, string][];
  /** [alias, target]; dnsmasq answers only for targets it knows (an a/aaaa record here). */
  cname?: [string, string][];
}

export interface DnsmasqOptions {
  records: DnsRecords;
}

/** A running dnsmasq. */
export interface DnsmasqPeer {
  host: string;
  port: number;
  pid: number;
  /** `127.0.0.1:PORT`, ready for `Resolver#setServers([server])`. */
  server: string;
  stateDir: string;
  stop(): Promise<void>;
}

const SAFE = /^[A-Za-z0-9_.:*-]+$/;

function field(value: string | number): string {
  const text = String(value);
  if (!SAFE.test(text)) {
    throw new PeerError(
      'ERR_PEER_INVALID_OPTION',
      `invalid DNS record field: ${JSON.stringify(text)}`,
    );
  }
  return text;
}

function txtField(text: string): string {
  if (/["\\\n\r]/.test(text)) {
    throw new PeerError(
      'ERR_PEER_INVALID_OPTION',
      `TXT text must not hold quotes, backslashes or newlines`,
    );
  }
  return `"${text}"`;
}

/** dnsmasq configuration lines for `records`. Exported for tests and for reading. */
export function recordLines(records: DnsRecords): string[] {
  const lines: string[] = [];
  // host-record also answers the matching PTR query; several records for one name add up.
  for (const [name, ip] of records.a ?? []) lines.push(`host-record=${field(name)},${field(ip)}`);
  for (const [name, ip] of records.aaaa ?? [])
    lines.push(`host-record=${field(name)},${field(ip)}`);
  for (const [name, host, pref] of records.mx ?? [])
    lines.push(`mx-host=${field(name)},${field(host)},${field(pref)}`);
  for (const [name, target, port, prio = 0, weight = 0] of records.srv ?? [])
    lines.push(
      `srv-host=${field(name)},${field(target)},${field(port)},${field(prio)},${field(weight)}`,
    );
  for (const [name, text] of records.txt ?? [])
    lines.push(`txt-record=${field(name)},${txtField(text)}`);
  for (const [name, target] of records.ptr ?? [])
    lines.push(`ptr-record=${field(name)},${field(target)}`);
  for (const [alias, target] of records.cname ?? [])
    lines.push(`cname=${field(alias)},${field(target)}`);
  return lines;
}

function dnsmasqConfig(port: number, records: DnsRecords): string {
  return [
    `port=${port}`,
    `listen-address=${HOST}`,
    'bind-interfaces',
    // Never forward: no /etc/resolv.conf, no /etc/hosts, and every other name is local (NXDOMAIN).
    'no-resolv',
    'no-hosts',
    'no-poll',
    'local=/#/',
    'pid-file=',
    'log-facility=-',
    'log-queries',
    ...recordLines(records),
    '',
  ].join('\n');
}

/**
 * Starts dnsmasq (Debian's dnsmasq-base) serving only `records`, never the internet.
 * @example
 * const dns = await startDnsmasq({ records: { a: [['app.netlab.test', '127.0.0.1']] } });
 * const resolver = new Resolver(); resolver.setServers([dns.server]);
 */
export async function startDnsmasq(options: DnsmasqOptions): Promise<DnsmasqPeer> {
  recordLines(options?.records ?? {}); // reject bad records before installing or starting
  const [dnsmasq] = await ensureInstalled(DNSMASQ.packages, DNSMASQ.paths);
  const { daemon, ports, stateDir, stop } = await launchInStateDir(
    'dnsmasq',
    1,
    async (dir, [port]) => {
      const file = await writeStateFile(dir, 'dnsmasq.conf', dnsmasqConfig(port!, options.records));
      // --no-daemon: foreground, debug mode; --conf-file: ours only, not /etc/dnsmasq.conf.
      const args = ['--no-daemon', `--conf-file=${file}`];
      return startDaemon({
        stateDir: dir,
        name: 'dnsmasq',
        command: dnsmasq!,
        args,
        ports: [port!],
      });
    },
  );
  const port = ports[0]!;
  return { host: HOST, port, pid: daemon.pid, server: `${HOST}:${port}`, stateDir, stop };
}
