/** `pnpm demo`: a real server and two scripted clients (child processes) chat; checks it worked. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));
type Event = Record<string, unknown> & { event: string };

// The children start as the package scripts start them: through the cached-bundle launcher.
const launcher = 'node_modules/@netlab/cli/bin/netlab-run.mjs';

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [launcher, 'src/main.ts', ...args], {
    cwd: appDir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/**
 * A `tcp-chat client --json` child: type lines into it, wait for the events it prints. Events
 * are shown at `show()`, not as they arrive, so a transcript has the same order every run.
 */
class Scripted {
  readonly events: Event[] = [];
  readonly #waiters: (() => void)[] = [];
  readonly #unshown: string[] = [];
  readonly child: ChildProcess;

  constructor(
    readonly nick: string,
    port: number,
  ) {
    this.child = start(['client', `127.0.0.1:${port}`, '--nick', nick, '--json']);
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as Event;
      this.events.push(e);
      this.#unshown.push(`  ${nick.padEnd(5)} <- ${line}`);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Prints the events received since the last call. */
  show(): void {
    for (const line of this.#unshown.splice(0)) console.log(line);
  }

  type(line: string): void {
    console.log(`  ${this.nick.padEnd(5)} -> ${line}`);
    this.child.stdin!.write(`${line}\n`);
  }

  /** Resolves with the first event matching `check`, waiting up to 10 s. */
  async waitFor(what: string, check: (e: Event) => boolean): Promise<Event> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const hit = this.events.find(check);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`${this.nick} never saw ${what}`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  async quit(): Promise<number | null> {
    this.child.stdin!.end('/quit\n');
    return this.child.exitCode ?? (await once(this.child, 'exit'))[0];
  }
}

async function main(): Promise<void> {
  const server = start(['server', '--port', '0', '--stats-interval', '0']);
  const procs: ChildProcess[] = [server];
  try {
    const [first] = (await once(readline.createInterface({ input: server.stdout! }), 'line')) as [
      string,
    ];
    console.log(`server: ${first}`);
    const port = Number(/:(\d+) /.exec(first)?.[1]);
    const alice = new Scripted('alice', port);
    procs.push(alice.child);
    let bob: Scripted | undefined;
    /** Waits for every event a step must cause, then shows them: alice's first, then bob's. */
    const step = async (waits: Promise<Event>[]) => {
      await Promise.all(waits);
      alice.show();
      bob?.show();
    };
    alice.type('/join #lobby');
    await step([
      alice.waitFor('welcome', (e) => e.event === 'welcome'),
      alice.waitFor('joined', (e) => e.event === 'joined'),
    ]);
    alice.type('hello, anyone here?');
    await step([alice.waitFor('her echo', (e) => e.event === 'message' && e.seq === 1)]);

    bob = new Scripted('bob', port);
    procs.push(bob.child);
    bob.type('/join #lobby');
    await step([
      bob.waitFor('welcome', (e) => e.event === 'welcome'),
      bob.waitFor('joined', (e) => e.event === 'joined'),
      bob.waitFor("alice's line as history", (e) => e.event === 'message' && e.history === true),
      alice.waitFor('bob joining', (e) => e.event === 'presence' && e.action === 'join'),
    ]);
    bob.type('hi alice, I just read your message in the history');
    bob.type('/msg alice psst, this one is private');
    await step([
      alice.waitFor("bob's line", (e) => e.event === 'message' && e.from === 'bob'),
      alice.waitFor("bob's whisper", (e) => e.event === 'private' && e.from === 'bob'),
      bob.waitFor('his echo', (e) => e.event === 'message' && e.seq === 2),
      bob.waitFor("his whisper's echo", (e) => e.event === 'private'),
    ]);
    alice.type('/who');
    await step([
      alice.waitFor('who', (e) => e.event === 'who' && (e.nicks as string[]).length === 2),
    ]);

    const codes = [await bob.quit()];
    await step([
      alice.waitFor('bob leaving', (e) => e.event === 'presence' && e.action === 'quit'),
    ]);
    codes.push(await alice.quit());
    server.kill('SIGTERM');
    const [serverCode] = await once(server, 'exit');
    if (codes.some((c) => c !== 0) || serverCode !== 0) {
      throw new Error(`exit codes: clients ${codes.join(', ')}, server ${serverCode}`);
    }
    console.log(
      'demo ok: history, room message, whisper and presence all delivered; everything exited 0',
    );
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
