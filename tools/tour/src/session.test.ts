/** Scripted sessions: parsing the marker, standing in free ports, jobs, waits and exit codes. */
import { describe, expect, test } from 'vitest';
import { parseSession, runSession, SessionError, sameApartFrom, swapNumbers } from './index.ts';

// A server in one line of node: prints where it listens, says bye on SIGINT.
const server =
  "node -e \"const s=require('net').createServer(c=>c.end('hi\\\\n')).listen(+process.argv[1],'127.0.0.1',()=>console.log('listening on',s.address().port));process.on('SIGINT',()=>{console.log('bye');s.close()})\" 4040 &";
const client =
  "node -e \"require('net').connect(+process.argv[1],'127.0.0.1').pipe(process.stdout)\" 4040";

describe('parseSession', () => {
  test('reads ports, replacements, steps and their options', () => {
    const session = parseSession(
      [
        'ports: 8125 9102',
        'replace: \\d+ ms => N ms',
        'varies: pid \\d+',
        '$ a &',
        '  wait for: ^ready',
        '$ b',
        '  exit: 2',
      ].join('\n'),
    );
    expect(session.ports).toEqual([8125, 9102]);
    expect(session.replacements).toEqual([[/\d+ ms/g, 'N ms']]);
    expect(session.varies).toEqual([/pid \d+/g]);
    expect(session.steps).toEqual([
      { command: 'a &', background: true, exit: 0, waitFor: /^ready/m },
      { command: 'b', background: false, exit: 2 },
    ]);
    expect(parseSession('$ a && b').steps[0]?.background).toBe(false);
  });

  test('rejects what it does not know, with a code', () => {
    for (const text of ['$ a\n  wait: x', 'bogus: 1\n$ a', 'ports: 80\n', '$ a\n  wait for: (']) {
      expect(() => parseSession(text)).toThrow(SessionError);
    }
    expect(() => parseSession('')).toThrow(expect.objectContaining({ code: 'ERR_SESSION' }));
  });
});

test('sameApartFrom sets aside only what varies', () => {
  const varies = [/pid \d+/g, /<[0-9a-f-]+@x>/g];
  expect(sameApartFrom('sent <1a-2b@x> by pid 12\nok', 'sent <9f@x> by pid 345\nok', varies)).toBe(
    true,
  );
  expect(sameApartFrom('sent <1a@x> by pid 12\nok', 'sent <1a@x> by pid 12\nfailed', varies)).toBe(
    false,
  );
  expect(sameApartFrom('a', 'b', [])).toBe(false);
  expect(sameApartFrom('x      9 /s', 'x    100 /s', [/\d+/g])).toBe(true);
});

test('swapNumbers replaces whole numbers only', () => {
  expect(swapNumbers('127.0.0.1:8125 18125 8125x 0.8125 8125', [[8125, 40001]])).toBe(
    '127.0.0.1:40001 18125 40001x 0.8125 40001',
  );
  expect(
    swapNumbers('a 1 b 2', [
      [1, 2],
      [2, 1],
    ]),
  ).toBe('a 2 b 1');
});

describe('runSession', () => {
  test('runs a server in the background, a client against it, and stops the server', async () => {
    const session = parseSession(
      [
        'ports: 4040',
        'replace: (\\d+) from a (\\w+) => $1 from a shell $2',
        `$ ${server}`,
        '  wait for: listening on (?<PORT>\\d+)',
        `$ ${client}`,
        '$ echo "$PORT" from a variable; cd /; pwd',
        '$ ls /no-such-file',
        '  exit: 2',
        '$ kill -INT %1',
        '  wait for: bye',
      ].join('\n'),
    );
    const result = await runSession(session, '/tmp', 60_000);
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe(
      [
        `$ ${server}`,
        `$ ${client}`,
        'hi',
        '$ echo "$PORT" from a variable; cd /; pwd',
        '4040 from a shell variable',
        '/',
        '$ ls /no-such-file',
        "ls: cannot access '/no-such-file': No such file or directory",
        '[exit 2]',
        '$ kill -INT %1',
        '',
      ].join('\n'),
    );
    expect(result.jobs).toEqual([
      { command: server.replace(/ &$/, ''), output: 'listening on 4040\nbye\n' },
    ]);
  });

  test('a wait for pattern may name a documented port: it is swapped like the commands', async () => {
    const steps = `$ ${server}\n  wait for: ^listening on 4040$\n$ kill -INT %1\n  wait for: bye`;
    const result = await runSession(parseSession(`ports: 4040\n${steps}`), '/tmp', 30_000);
    expect(result.exitCode).toBe(0);
    expect(result.jobs[0]!.output).toBe('listening on 4040\nbye\n');
  });

  test("leaves out bash's notices of jobs that ended", async () => {
    const steps =
      '$ sleep 30 &\n$ sleep 31 &\n$ kill -STOP %2; kill -9 %1; sleep 0.2\n$ echo after';
    const result = await runSession(parseSession(`${steps}\n$ kill -9 %2`), '/tmp', 30_000);
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe(`${steps}\nafter\n$ kill -9 %2\n`);
  });

  test('a step that exits otherwise than written fails the session and stops it there', async () => {
    const result = await runSession(parseSession('$ false | cat\n$ echo never'), '/tmp', 30_000);
    expect(result.exitCode).toBe(1);
    expect(result.output).toBe('$ false | cat\n[exit 1]\n[expected exit 0]\n');
  });

  test('a wait that is never met times out and no job is left running', async () => {
    const session = parseSession('$ sleep 59.25 &\n  wait for: never');
    const result = await runSession(session, '/tmp', 1_000);
    expect(result.exitCode).toBe(124);
    expect(result.output).toContain('never printed');
    const jobs = await runSession(
      parseSession('$ pgrep -f "^sleep 59.25$"\n  exit: 1'),
      '/tmp',
      10_000,
    );
    expect(jobs.exitCode).toBe(0);
  });
});
