/** ssh2's undocumented fields that ssh2-gaps.ts relies on are still there, on a real connection. */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { ServerChannel, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519 } from './keys.ts';
import { missingInternals, sftpExitStatus, sftpWindowOpen } from './ssh2-gaps.ts';

const seen: {
  channel?: ServerChannel;
  sftp?: SFTPWrapper;
  sftpOpen?: boolean;
  exitSent?: boolean;
} = {};
let server: ssh2.Server;
let port: number;

beforeAll(async () => {
  server = new ssh2.Server({ hostKeys: [generateEd25519().private] }, (conn) => {
    conn.on('authentication', (ctx) => ctx.accept());
    conn.on('ready', () =>
      conn.on('session', (accept) => {
        const session = accept();
        session.on('exec', (accept) => {
          const channel = accept();
          seen.channel = channel;
          channel.exit(0);
          channel.end();
        });
        session.on('sftp', (accept) => {
          const sftp = accept();
          seen.sftp = sftp;
          seen.sftpOpen = sftpWindowOpen(sftp);
          sftp.on('end', () => {
            seen.exitSent = sftpExitStatus(sftp, 0);
            sftp.end();
          });
        });
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A client that runs `true` and opens an SFTP session, then ends the SFTP session. */
function client(): Promise<{ sftpExit: number | undefined }> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('error', reject);
    c.on('ready', () =>
      c.exec('true', (err, stream) => {
        if (err) return reject(err);
        stream.resume();
        stream.on('close', () =>
          c.subsys('sftp', (err2, channel) => {
            if (err2) return reject(err2);
            let sftpExit: number | undefined;
            channel.on('exit', (code: number) => (sftpExit = code));
            channel.resume(); // the VERSION reply; a channel closes once its data is read
            channel.on('close', () => {
              c.end();
              resolve({ sftpExit });
            });
            // SFTP v3 INIT (RFC draft-ietf-secsh-filexfer-02 §4): length 5, type 1, version 3.
            channel.end(Buffer.from([0, 0, 0, 5, 1, 0, 0, 0, 3]));
          }),
        );
      }),
    );
    c.connect({ host: '127.0.0.1', port, username: 'x', password: 'x' });
  });
}

describe('ssh2 internals behind ssh2-gaps.ts', { timeout: 30_000 }, () => {
  it('were read in ssh2 1.17.0; another version must be read again before this passes', () => {
    const version = createRequire(import.meta.url)('ssh2/package.json').version;
    expect(version).toBe('1.17.0');
  });

  it('are all present on a real server channel and a real SFTP session', async () => {
    const { sftpExit } = await client();
    expect(missingInternals('channel', seen.channel!)).toEqual([]);
    expect(missingInternals('sftp', seen.sftp!)).toEqual([]);
    expect(seen.sftpOpen).toBe(true); // a fresh session has the client's whole window
    expect(seen.exitSent).toBe(true);
    expect(sftpExit).toBe(0); // the client saw the exit-status sent through the gap
  });
});
