/** ensureInstalled, freePort and listeningPortsOf on this machine. */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureInstalled, installCommand } from './install.ts';
import { freePort, freePorts } from './ports.ts';
import { listeningPortsOf } from './proc.ts';

describe('ensureInstalled', () => {
  afterEach(() => {
    delete process.env.NETLAB_PEERS_NO_INSTALL;
  });

  it('returns the paths of files that exist', async () => {
    expect(await ensureInstalled(['coreutils'], ['/bin/sh'])).toEqual(['/bin/sh']);
  });

  it('finds a program on PATH when its usual path is missing', async () => {
    const [found] = await ensureInstalled(['coreutils'], ['/nonexistent/bin/sh']);
    expect(found).toMatch(/\/sh$/);
  });

  it('throws ERR_PEER_NOT_INSTALLED with the exact install command when it may not install', async () => {
    process.env.NETLAB_PEERS_NO_INSTALL = '1';
    const missing = ensureInstalled(['netlab-no-such-package'], ['/nonexistent/netlab-file']);
    await expect(missing).rejects.toMatchObject({
      code: 'ERR_PEER_NOT_INSTALLED',
      message: expect.stringContaining(installCommand(['netlab-no-such-package'])),
    });
  });
});

describe('ports', () => {
  it('freePort returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect(listeningPortsOf(process.pid)?.has(port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(listeningPortsOf(process.pid)?.has(port)).toBe(false);
  });

  it('freePorts returns distinct ports', async () => {
    const ports = await freePorts(4);
    expect(new Set(ports).size).toBe(4);
  });
});
