/** A throwaway TLS certificate for 127.0.0.1 and ::1, made with the openssl command. */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ChatError } from './errors.ts';

export interface DevCert {
  cert: string;
  key: string;
  certPath: string;
  /** SHA-256 fingerprint, to compare with what a client is shown. */
  fingerprint: string;
}

/**
 * Creates (or reuses, while valid for another day) a self-signed P-256 certificate whose
 * subjectAltName lists IP:127.0.0.1 and IP:::1, in `dir`. Node has no API to issue
 * certificates, so this runs `openssl req -x509`; clients trust it with `--ca <certPath>`.
 * @throws {ChatError} ERR_TLS_DEV_CERT when openssl is missing or fails
 */
export async function devCertificate(dir: string): Promise<DevCert> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const existing = await load(certPath, keyPath).catch(() => undefined);
  if (
    existing &&
    Date.parse(new X509Certificate(existing.cert).validTo) > Date.now() + 86_400_000
  ) {
    return existing;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  args.push('-nodes', '-days', '7', '-subj', '/CN=127.0.0.1', '-keyout', keyPath, '-out', certPath);
  args.push('-addext', 'subjectAltName=IP:127.0.0.1,IP:::1');
  try {
    await promisify(execFile)('openssl', args, { timeout: 30_000 });
  } catch (err) {
    throw new ChatError(
      'ERR_TLS_DEV_CERT',
      `openssl could not make a certificate: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return load(certPath, keyPath);
}

async function load(certPath: string, keyPath: string): Promise<DevCert> {
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  return { cert, key, certPath, fingerprint: new X509Certificate(cert).fingerprint256 };
}
