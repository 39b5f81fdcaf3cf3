/** SFTP root scoping: `..` and symlinks cannot leave the root. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '@netlab/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { namePathInside, PathOutsideRoot, realPathInside, virtualPath } from './sftp-paths.ts';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'ssh-shell-sftp-')));
mkdirSync(join(root, 'docs'));
symlinkSync('/etc', join(root, 'escape'));
symlinkSync('docs', join(root, 'inside'));
symlinkSync('/nonexistent/x.txt', join(root, 'dangle'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sftp paths', () => {
  it('normalises client paths under a virtual /', () => {
    expect(virtualPath('.')).toBe('/');
    expect(virtualPath('../../etc/passwd')).toBe('/etc/passwd');
    expect(virtualPath('docs/./a/../b')).toBe('/docs/b');
  });

  it('maps into the root, also for files that do not exist yet', async () => {
    expect(await realPathInside(root, '/docs/new.txt')).toBe(join(root, 'docs/new.txt'));
    // `..` stops at the root; a parent that does not exist is ENOENT, as the file system says.
    await expect(realPathInside(root, '../../../etc/passwd')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await expect(realPathInside(root, '../../../docs/x')).resolves.toBe(join(root, 'docs/x'));
    // A link inside the root is followed to its real place, which is inside too.
    expect(await realPathInside(root, 'inside/x')).toBe(join(root, 'docs/x'));
  });

  it('refuses paths through a symlink that leaves the root', async () => {
    const escaped = await realPathInside(root, '/escape/passwd').catch((e: unknown) => e);
    expect(escaped).toBeInstanceOf(PathOutsideRoot);
    expect(escaped).toBeInstanceOf(CodedError);
    expect(escaped).toMatchObject({ name: 'PathOutsideRoot', code: 'ERR_PATH_OUTSIDE_ROOT' });
    await expect(realPathInside(root, '/escape/newfile')).rejects.toMatchObject({
      code: 'ERR_PATH_OUTSIDE_ROOT',
    });
    // A dangling link could create its target anywhere: refused whatever it points to.
    await expect(realPathInside(root, '/dangle')).rejects.toMatchObject({
      code: 'ERR_PATH_OUTSIDE_ROOT',
    });
    // Acting on the name itself (lstat, remove) stays possible for a link inside the root.
    expect(await namePathInside(root, '/dangle')).toBe(join(root, 'dangle'));
  });
});
