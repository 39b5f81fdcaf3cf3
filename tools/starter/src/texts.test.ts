/** The starter's generated README, pnpm-workspace.yaml and CI workflow. */
import { describe, expect, test } from 'vitest';
import { pnpmWorkspace, starterReadme, starterWorkflow } from './index.ts';

describe('starterReadme', () => {
  const readme = [
    '# tcp-chat',
    '',
    '```sh',
    'pnpm --filter tcp-chat server',
    'pnpm --filter @netlab/tcp-chat run client -- --nick ann',
    'pnpm --filter tcp-chat crawl --depth 2',
    'pnpm --filter udp-telemetry collector',
    'pnpm -s --filter tcp-chat run -s client 127.0.0.1:4151 --json',
    '$ pnpm --silent --filter tcp-chat demo',
    '$ pnpm -s --filter peers peers start redis &',
    'pnpm --filter peers bench',
    '```',
  ].join('\n');

  test('turns pnpm filters for this app into npm run, with -- before arguments', () => {
    const text = starterReadme(readme, 'tcp-chat', ['cli', 'framing']);
    expect(text).toContain('\nnpm run server\n');
    expect(text).toContain('\nnpm run client -- --nick ann\n');
    expect(text).toContain('\nnpm run crawl -- --depth 2\n');
    // Another app's command is left for the reader to notice, not rewritten wrongly.
    expect(text).toContain('pnpm --filter udp-telemetry collector');
    expect(text).toContain('\nnpm run --silent client -- 127.0.0.1:4151 --json\n');
    expect(text).toContain('\n$ npm run --silent demo\n');
  });

  test("turns a carried package's tsx script into the command it runs", () => {
    const peers = { name: 'peers', scripts: { peers: 'tsx src/main.ts', bench: 'node x.js' } };
    const text = starterReadme(readme, 'tcp-chat', ['cli', peers]);
    expect(text).toContain('\n$ npx tsx packages/peers/src/main.ts start redis &\n');
    // Not a plain tsx command: left as it was, for the reader to notice.
    expect(text).toContain('\npnpm --filter peers bench\n');
  });

  test('keeps the title first and says where the project came from', () => {
    const lines = starterReadme(readme, 'tcp-chat', ['cli', 'framing']).split('\n');
    expect(lines[0]).toBe('# tcp-chat');
    expect(lines.join('\n')).toContain('`packages/cli`, `packages/framing`');
  });
});

describe('generated config', () => {
  test('pnpm links `*` to the local packages and may build the native ones', () => {
    const yaml = pnpmWorkspace(['node-pty', 'ssh2']);
    expect(yaml).toContain('linkWorkspacePackages: true');
    expect(yaml).toContain('  - packages/*');
    expect(yaml).toContain('  - node-pty\n  - ssh2\n');
  });

  test('the workflow installs real servers only when the app carries peers', () => {
    expect(starterWorkflow(true)).toContain('packages/peers/src/main.ts install all');
    expect(starterWorkflow(false)).not.toContain('peers');
    expect(starterWorkflow(false)).toContain('node: [20, 22]');
    // Without the peers CLI the tests still run as root, and install what they start themselves.
    const firstUse = starterWorkflow(true, false);
    expect(firstUse).not.toContain('install all');
    expect(firstUse).toContain('sudo -E env "PATH=$PATH" npm test');
  });
});
