/** READMEs in a starter: netlab's tooling, sections and missing files cut out. */
import { describe, expect, test } from 'vitest';
import { exportMarkdown, rewriteCommands } from './index.ts';

const readme = [
  '# chat',
  '',
  'A session, run by `pnpm transcripts` as written in the marker above the block (see',
  '`tools/tour`): the server and a client.',
  '',
  '<!-- transcript:',
  '$ pnpm -s --filter chat run server &',
  '  wait for: listening',
  '-->',
  '```',
  '$ pnpm -s --filter chat run server &',
  'listening',
  '```',
  '',
  'What it looks like from a tool this starter does not carry:',
  '',
  '<!-- transcript: %1 -->',
  '```',
  '$ pnpm -s --filter addressing ip -- 1.2.3.4',
  '```',
  '',
  'The client (rendered from a capture; a terminal UI cannot be re-run by `pnpm transcripts`).',
  'Later lines stay. Paths are relative to where you ran `pnpm --filter <app>`.',
  '',
  '## Read first',
  '',
  '| Pattern | File |',
  '| --- | --- |',
  '| framing | `src/wire.ts` |',
  '| DNS | `src/dns.ts` |',
  '',
  'See [the protocol](src/wire.ts) and [the log](BENCH.md).',
  '',
  '## Bench',
  '',
  '```',
  'pnpm --filter chat bench',
  '```',
  '',
  '### Figures',
  '',
  'fast',
  '',
  '## Extras',
  '',
  '## Copy out',
  '',
  'Run `pnpm starter chat ../x`.',
  '',
  '## Files',
  '',
  '- `src/wire.ts`: frames.',
  '- `src/dns.ts`: lookups,',
  '  over UDP.',
  '- `bench/run.ts`: the bench.',
  '',
].join('\n');

const exported = exportMarkdown(readme, {
  commands: (text) => rewriteCommands(text, 'chat', ['cli']),
  exists: (path) => path === 'src/wire.ts',
  dropSections: ['Copy out', 'Bench'],
});

describe('exportMarkdown', () => {
  test('speaks of the starter: no netlab commands, markers or sections about netlab', () => {
    expect(exported).not.toMatch(/pnpm|tools\/tour|transcript:|Copy out|## Bench|Figures/);
    expect(exported).toContain('\n$ npm run --silent server &\nlistening\n');
    const prose = exported.replace(/\s+/g, ' ');
    expect(prose).toContain('A session: the server and a client.');
    expect(prose).toContain('The client (rendered from a capture). Later lines stay.');
    expect(prose).toContain('relative to where you ran `npm run`.');
  });

  test('a block that runs what the starter lacks goes, with the sentence that introduces it', () => {
    expect(exported).not.toContain('does not carry');
    expect(exported).not.toContain('1.2.3.4');
  });

  test('rows, items and links naming missing files go; a section left empty goes', () => {
    expect(exported).toContain('| framing | `src/wire.ts` |');
    expect(exported).not.toContain('dns');
    expect(exported).not.toContain('bench/run.ts');
    expect(exported).toContain('See [the protocol](src/wire.ts) and the log.');
    expect(exported).not.toContain('## Extras');
    expect(exported).toContain('## Files\n\n- `src/wire.ts`: frames.\n');
  });
});
