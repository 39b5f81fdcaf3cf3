/** A throwaway development CA and a server certificate for 127.0.0.1, made with the openssl CLI. */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec.ts';

/** Paths of the generated PEM files. */
export interface DevCertificates {
  /** The CA certificate: give it to clients (`ca` in node:tls, `--ca` in the CLIs). */
  caPath: string;
  /** Server certificate (SAN: IP 127.0.0.1, IP ::1, DNS localhost), signed by the CA. */
  certPath: string;
  /** Server private key (P-256, unencrypted). */
  keyPath: string;
}

// Our own config so Debian's /etc/ssl/openssl.cnf defaults never add or clash with extensions.
const OPENSSL_CNF = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = netlab dev CA
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/**
 * Creates `dir` with ca.pem/ca.key (a CA valid 30 days) and server.pem/server.key for
 * 127.0.0.1. Node's crypto cannot issue X.509 certificates, hence the openssl CLI.
 * @param openssl Path of the openssl program.
 */
export async function makeDevCertificates(dir: string, openssl: string): Promise<DevCertificates> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const file = (name: string) => join(dir, name);
  await writeFile(file('openssl.cnf'), OPENSSL_CNF);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run(openssl, [
    ...['req', '-x509', '-config', file('openssl.cnf'), '-extensions', 'ca_ext', ...newKey],
    ...['-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '30'],
    ...['-subj', '/O=netlab/CN=netlab dev CA'],
  ]);
  await run(openssl, [
    ...['req', '-new', '-config', file('openssl.cnf'), ...newKey],
    ...[
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
      '-subj',
      '/O=netlab/CN=127.0.0.1',
    ],
  ]);
  await run(openssl, [
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
    ...['-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '30'],
    ...['-extfile', file('openssl.cnf'), '-extensions', 'server_ext', '-out', file('server.pem')],
  ]);
  return { caPath: file('ca.pem'), certPath: file('server.pem'), keyPath: file('server.key') };
}
