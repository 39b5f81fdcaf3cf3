/** Subpath exports: each loads only its own modules, in a fresh Node process, and "." still exports everything. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type {
  AddressErrorCode,
  Classification,
  ConnectOptions,
  DnsOptions,
  Endpoint,
  EndpointOptions,
  Host,
  HostFamily,
  InterfaceAddress,
  IPAddress,
  LookupAddress,
  MxRecord,
  NetworkDescription,
  NetworkOptions,
  SrvRecord,
} from '@netlab/addressing';
import type * as EndpointSubpath from '@netlab/addressing/endpoint';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { LoadReport } from './load-probe.ts';
import { closure, runtimeImports } from './module-graph.ts';

const run = promisify(execFile);
// Each probe is a fresh Node process (0.3 s idle); generous for a loaded 2-core machine.
const PROCESS = { timeout: 60_000 };
const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const PROBE = fileURLToPath(new URL('./load-probe.ts', import.meta.url));
const manifest = JSON.parse(readFileSync(`${PACKAGE}package.json`, 'utf8')) as {
  exports: Record<string, string>;
};

/** Imports `specifier` in a fresh `node --import tsx` and reports what it loaded. */
async function probe(specifier: string): Promise<LoadReport> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE, specifier], {
    cwd: PACKAGE,
    timeout: 30_000,
  });
  return JSON.parse(stdout) as LoadReport;
}

// What "." exports at run time (the types are checked above); each name has a subpath too.
const ROOT_EXPORTS = [
  'AddressError',
  'IPInterface',
  'IPNetwork',
  'IPv4Address',
  'IPv6Address',
  'NetworkList',
  'addressExclude',
  'addressFromBigInt',
  'addressFromBytes',
  'collapse',
  'connectTcp',
  'createResolver',
  'describeNetwork',
  'endpointOf',
  'formatEndpoint',
  'isHostname',
  'listInterfaces',
  'lookupAll',
  'mask32',
  'orderSrv',
  'parseAddress',
  'parseEndpoint',
  'parseHost',
  'parseInterface',
  'parseNetwork',
  'parseNetworkList',
  'parsePort',
  'prefixOfMask32',
  'resolveA',
  'resolveAAAA',
  'resolveMx',
  'resolvePtr',
  'resolveSrv',
  'resolveTxt',
  'summarizeRange',
  'toBlockList',
  'toSocketAddress',
];

// The modules a subpath must not load: DNS, Happy Eyeballs and the network math.
const HEAVY = [
  'connect.ts',
  'dns.ts',
  'dns-records.ts',
  'network.ts',
  'ranges.ts',
  'masks.ts',
  'classify.ts',
];

describe('subpath exports', () => {
  it('"." still exports every type it did, and the subpaths export the same types (checked by tsc)', () => {
    // Checked by tsc (pnpm typecheck), not at run time: an import above that stops resolving,
    // or a subpath type that differs from the root's, fails the build.
    expectTypeOf<EndpointSubpath.Endpoint>().toEqualTypeOf<Endpoint>();
    expectTypeOf<EndpointSubpath.EndpointOptions>().toEqualTypeOf<EndpointOptions>();
    expectTypeOf<EndpointSubpath.Host>().toEqualTypeOf<Host>();
    expectTypeOf<EndpointSubpath.HostFamily>().toEqualTypeOf<HostFamily>();
    expectTypeOf<EndpointSubpath.AddressErrorCode>().toEqualTypeOf<AddressErrorCode>();
    type Others = [
      Classification,
      ConnectOptions,
      DnsOptions,
      IPAddress,
      InterfaceAddress,
      LookupAddress,
      MxRecord,
      NetworkDescription,
      NetworkOptions,
      SrvRecord,
    ];
    expectTypeOf<Others>().not.toBeNever();
  });

  it(
    '@netlab/addressing/endpoint loads the parser alone: no DNS, connect, network or address classes',
    PROCESS,
    async () => {
      const report = await probe('@netlab/addressing/endpoint');
      expect(report.files).toEqual([
        'endpoint.ts',
        'errors.ts',
        'hostname.ts',
        'index-endpoint.ts',
        'ipv4-text.ts',
        'ipv6-text.ts',
      ]);
      expect(report.builtins).toEqual([]);
      expect(report.exports).toEqual([
        'AddressError',
        'formatEndpoint',
        'isHostname',
        'parseEndpoint',
        'parseHost',
        'parsePort',
      ]);
    },
  );

  it(
    'the probe sees DNS, connect and network when they load (the root loads them all)',
    PROCESS,
    async () => {
      const report = await probe('@netlab/addressing');
      for (const file of [...HEAVY, 'ipv4-address.ts']) expect(report.files).toContain(file);
      expect(report.builtins).toContain('dns/promises');
      expect(report.exports).toEqual(ROOT_EXPORTS);
    },
  );

  it(
    'each subpath loads exactly the static import closure of its entry; together they export all of "."',
    PROCESS,
    async () => {
      const graph = runtimeImports();
      const names = new Set<string>();
      // Which of the HEAVY modules each subpath may load.
      const allowed: Record<string, string[]> = {
        './endpoint': [],
        './address': ['classify.ts'],
        './network': ['classify.ts', 'masks.ts', 'network.ts', 'ranges.ts'],
        './node-net': [],
        './dns': ['classify.ts', 'dns.ts', 'dns-records.ts'],
        './connect': ['classify.ts', 'connect.ts', 'dns.ts'],
      };
      expect(Object.keys(manifest.exports).sort()).toEqual(['.', ...Object.keys(allowed)].sort());
      for (const [subpath, heavyAllowed] of Object.entries(allowed)) {
        const entry = manifest.exports[subpath]!.replace('./src/', '');
        const report = await probe(`@netlab/addressing${subpath.slice(1)}`);
        expect(report.files, subpath).toEqual(closure(graph, entry));
        const heavy = report.files.filter((f) => HEAVY.includes(f) && !heavyAllowed.includes(f));
        expect(heavy, subpath).toEqual([]);
        if (subpath !== './dns' && subpath !== './connect') {
          expect(report.builtins, subpath).not.toContain('dns/promises');
        }
        for (const name of report.exports) names.add(name);
      }
      // Nothing new under a subpath, and every root name has one, so every app import can move.
      expect([...names].sort()).toEqual(ROOT_EXPORTS);
    },
  );
});
