/** The command line as a user runs it: exit codes, one-line errors, --help, CSV and config files. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureServer, type FixtureServer } from './fixture/server.ts';

const app = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-cli-'));
const runIn = async (env: NodeJS.ProcessEnv, args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', ...args],
      { cwd: app, env: { ...process.env, NO_COLOR: '1', ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};
const run = (...args: string[]) => runIn({}, args);

let fixture: FixtureServer;
let origin: string;
beforeAll(async () => {
  fixture = createFixtureServer({ pages: 12, extras: false });
  origin = await fixture.listen();
});
afterAll(async () => {
  await fixture.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('http-scraper command line', { timeout: 60_000 }, () => {
  it('explains itself with an example', async () => {
    for (const cmd of ['crawl', 'fixture']) {
      const { code, stdout } = await run(cmd, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain('Example:');
    }
  });

  it('exits 2 on usage mistakes and 1 on bad input, with one line and a code', async () => {
    expect((await run('crawl', '--bogus')).code).toBe(2);
    expect((await run('crawl')).code).toBe(2);
    const badUrl = await run('crawl', 'ftp://127.0.0.1/', '--out', path.join(root, 'x'));
    expect(badUrl).toMatchObject({
      code: 1,
      stderr: "http-scraper: ERR_BAD_URL not an http(s) URL: 'ftp://127.0.0.1/'\n",
    });
    const badHost = await run('fixture', '--host', '300.1.1.1', '--port', '0');
    expect(badHost.code).toBe(1);
    expect(badHost.stderr).toMatch(/^http-scraper: ERR_INVALID_ADDRESS /);
    expect((await run('crawl', `${origin}/`, '--select', 'x=h1[')).code).toBe(2);
  });

  it('writes CSV with fields from a config file, and a JSON summary', async () => {
    const config = path.join(root, 'crawl.json');
    fs.writeFileSync(
      config,
      JSON.stringify({ select: { title: 'h1', price: '.price' }, depth: 1 }),
    );
    const out = path.join(root, 'csv');
    const { code, stdout } = await run(
      'crawl',
      '--',
      `${origin}/page/0`,
      '-c',
      config,
      '--format',
      'csv',
      '--out',
      out,
      '--json',
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    // / (from the sitemap), page 0, and its links to pages 1, 2 and 3
    expect(summary).toMatchObject({ pages: 5, robotsExcluded: 0, interrupted: false });
    const lines = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('url,status,depth,title,price');
    expect(lines).toContain(`${origin}/page/1,200,1,Product 1,$37.99`);
  });

  it('shows the failed URLs in the progress on stderr, as many as the summary counts', async () => {
    const failing = createFixtureServer({ pages: 6, slowMs: 10 });
    const start = await failing.listen();
    try {
      const out = path.join(root, 'failing');
      const { code, stdout, stderr } = await run(
        'crawl',
        `${start}/`,
        '--out',
        out,
        '--retries',
        '0',
        '--json',
      );
      expect(code).toBe(0);
      const summary = JSON.parse(stdout) as { errors: Record<string, number> };
      // /broken (503), /limited (429), /flaky/1 (500), /huge, the redirect loop, a 404...
      const failed = Object.values(summary.errors).reduce((a, b) => a + b, 0);
      expect(failed).toBeGreaterThanOrEqual(5);
      const last = stderr.trimEnd().split('\n').at(-1);
      expect(last).toMatch(new RegExp(`^crawl 100% \\d+ done, 0 queued, ${failed} failed, `));
    } finally {
      await failing.close();
    }
  });

  it('reads and writes the paths a user types from where they ran the command', async () => {
    // Under `pnpm --filter`, the cwd is the app's folder and INIT_CWD the user's.
    const env = { INIT_CWD: root };
    const { code, stdout } = await runIn(env, [
      'crawl',
      `${origin}/page/1`,
      '--out',
      'rel',
      '--depth',
      '0',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(`output in ${path.join(root, 'rel')}/`);
    expect(fs.existsSync(path.join(root, 'rel', 'results.jsonl'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'rel'))).toBe(false);
    const missing = await runIn(env, ['crawl', `${origin}/`, '--config', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read --config ${path.join(root, 'nope.json')}`);
  });

  it('prints errors as one JSON object with --json, after a `--` too', async () => {
    const { code, stderr } = await run('crawl', '--', 'ftp://127.0.0.1/', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toEqual({
      error: { code: 'ERR_BAD_URL', message: "not an http(s) URL: 'ftp://127.0.0.1/'" },
    });
  });

  it('refuses a --max-robots below the 500 KiB RFC 9309 asks crawlers to read', async () => {
    const small = await run('crawl', `${origin}/`, '--max-robots', '100k');
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/^http-scraper: ERR_USAGE --max-robots/);
  });

  it('stops a crawl whose state cannot be written, with a code, as a line or JSON', async () => {
    for (const json of [false, true]) {
      const out = path.join(root, `full-${json}`);
      fs.mkdirSync(out);
      // Every write to /dev/full fails with ENOSPC: a disk that filled up mid-crawl.
      fs.symlinkSync('/dev/full', path.join(out, 'results.jsonl'));
      const args = ['crawl', `${origin}/`, '--out', out, '-q', ...(json ? ['--json'] : [])];
      const { code, stderr } = await run(...args);
      expect(code).toBe(1);
      const file = path.join(out, 'results.jsonl');
      if (json) expect(JSON.parse(stderr).error.code).toBe('ERR_STATE_WRITE');
      else expect(stderr).toMatch(`http-scraper: ERR_STATE_WRITE cannot write ${file}: ENOSPC`);
    }
  });

  it('reports a port in use with a code and a hint', async () => {
    const line = await run('fixture', '--port', new URL(origin).port);
    expect(line.code).toBe(1);
    expect(line.stderr).toMatch(/^http-scraper: ERR_ADDRESS_IN_USE .*--port/);
  });
});
