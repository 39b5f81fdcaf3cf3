/** Hostile input against the real server process: coded errors, bounded RSS, the room carries on. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { scriptNodeFlags } from '@netlab/cli';
import { lengthPrefixed } from '@netlab/framing';
import { processUsage } from '@netlab/peers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChatClient, connect } from './client.ts';
import { chat, type Message } from './protocol.ts';
import { frame, RawClient, until } from './test-helpers.ts';

// The real server CLI as a child process, so its RSS and CPU are its own.
const appDir = fileURLToPath(new URL('..', import.meta.url));

interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** What the server printed so far (stdout and stderr). */
  output(): string;
  /** Resident memory of the server process now, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/** Starts `tcp-chat server` with the `server` script's Node flags, on a free port. */
async function startServerProcess(flags: string[]): Promise<ServerProcess> {
  const args = [...scriptNodeFlags(appDir, 'server'), '--import', 'tsx', 'src/main.ts', 'server'];
  const child = spawn(
    process.execPath,
    [...args, '--port', '0', '--stats-interval', '0', ...flags],
    {
      cwd: appDir,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await until(() => /listening on /.test(out) || child.exitCode !== null, 'the server to listen');
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  if (!port) throw new Error(`server did not start: ${out}`);
  return {
    child,
    port,
    output: () => out,
    rss: () => processUsage(child.pid!)?.rssBytes ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

const codec = lengthPrefixed({ maxFrameSize: 16 * 1024 * 1024 });

/**
 * A reader that is slow but steady: it takes `bytesPerTick` from its socket every `everyMs`
 * and no more (a paused socket: Node stops reading the kernel once it holds 16 KiB, and TCP's
 * window then closes on the server). It counts `msg` frames and keeps every other frame.
 */
class PacedReader {
  readonly received: Message[] = [];
  msgs = 0;
  closed = false;
  readonly #decoder = codec.createDecoder();
  readonly #timer: NodeJS.Timeout;

  private constructor(
    readonly socket: net.Socket,
    bytesPerTick: number,
    everyMs: number,
  ) {
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      clearInterval(this.#timer);
    });
    this.#timer = setInterval(() => {
      const chunk = socket.read(
        Math.min(bytesPerTick, socket.readableLength || bytesPerTick),
      ) as Buffer | null;
      if (chunk) this.#take(chunk);
    }, everyMs);
  }

  #take(chunk: Buffer): void {
    this.#decoder.write(chunk, (f) => {
      const m = chat.unpack(f) as Message;
      if (m.type === 'msg') this.msgs++;
      else this.received.push(m);
    });
  }

  static connect(port: number, bytesPerTick: number, everyMs: number): Promise<PacedReader> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () =>
        resolve(new PacedReader(s, bytesPerTick, everyMs)),
      );
      s.once('error', reject);
    });
  }

  /** Says hello and joins `room`, waiting for the answers at its own pace. */
  async enter(nick: string, room: string): Promise<void> {
    this.socket.write(frame({ type: 'hello', v: 1, nick }));
    this.socket.write(frame({ type: 'join', room }));
    await until(() => this.received.some((m) => m.type === 'joined'), `${nick} to join ${room}`);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.socket.destroy();
  }
}

const T = { timeout: 60_000 };
const MiB = 2 ** 20;
let server: ServerProcess;
let watcher: ChatClient;
let talker: ChatClient;
let baseline: number;
const raws: RawClient[] = [];

async function raw(): Promise<RawClient> {
  const c = await RawClient.connect(server.port);
  raws.push(c);
  return c;
}

/** A raw client that said hello (as `nick`). */
async function welcomed(nick: string): Promise<RawClient> {
  const c = await raw();
  await c.hello(nick);
  return c;
}

/** The next error frame's code, then (for a kick) the bye's and the close. */
async function kickedWith(c: RawClient, code: string): Promise<void> {
  expect((await c.next('error', (e) => e.code === code)).code).toBe(code);
  expect((await c.next('bye')).code).toBe(code);
  await until(() => c.closed, 'the kicked connection to close');
}

let said = 0;
/** Another client in a room still gets a line said now; the server's memory stayed bounded. */
async function carriesOn(): Promise<void> {
  const text = `still here ${++said}`;
  const got = new Promise<void>((resolve) =>
    watcher.on('message', (m) => m.text === text && resolve()),
  );
  await talker.say('#watch', text);
  await got;
  expect(server.rss() - baseline).toBeLessThan(64 * MiB);
}

beforeAll(async () => {
  server = await startServerProcess([
    ...['--rate', '200', '--burst', '400', '--max-per-ip', '40', '--max-rooms', '40'],
    ...['--idle-timeout', '4000', '--hello-timeout', '2000', '--empty-room-ttl', '600000'],
  ]);
  watcher = await connect({ port: server.port, nick: 'watcher', reconnect: false });
  talker = await connect({ port: server.port, nick: 'talker', reconnect: false });
  await watcher.join('#watch');
  await talker.join('#watch');
  baseline = server.rss();
}, 60_000);

afterEach(async () => {
  for (const c of raws.splice(0)) c.socket.destroy();
  // Every attacker gone (the server notices closes by itself): back to watcher and talker.
  await connectionsAre(2);
});

afterAll(async () => {
  watcher?.destroy();
  talker?.destroy();
  await server?.stop();
});

/** Polls the server's own count (through talker's `stats`) until it is `n`; 20 s at most. */
async function connectionsAre(n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await talker.stats()).connections === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server never got down to ${n} connections`);
}

describe('hostile frames', () => {
  it('refuses a header announcing 4 GB from the header alone', T, async () => {
    const c = await raw();
    c.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await kickedWith(c, 'ERR_FRAME_TOO_LARGE');
    await carriesOn();
  });

  it('reads a frame of exactly the limit, refuses one byte over', T, async () => {
    const c = await welcomed('edge');
    const at = Buffer.alloc(4 + 65536, 0xc1); // the largest frame; 0xc1 is never MessagePack
    at.writeUInt32BE(65536);
    c.write(at);
    expect((await c.next('error')).code).toBe('ERR_INVALID_MESSAGE');
    const over = Buffer.alloc(4 + 65537, 0xc1);
    over.writeUInt32BE(65537);
    c.write(over);
    await kickedWith(c, 'ERR_FRAME_TOO_LARGE');
    await carriesOn();
  });

  it('cleans up after truncated frames and closes', T, async () => {
    for (let i = 0; i < 20; i++) {
      const c = await welcomed(`cut${i}`);
      const whole = frame({ type: 'say', room: '#watch', text: 'x'.repeat(500) });
      c.write(whole.subarray(0, 4 + (i % 2 === 0 ? 0 : 100))); // a header, or a header and some
      if (i % 2 === 0) c.socket.end();
      else c.socket.resetAndDestroy();
    }
    await connectionsAre(2); // every truncated connection gone
    await carriesOn();
  });

  it('answers garbage MessagePack and deep nesting with ERR_INVALID_MESSAGE', T, async () => {
    const c = await raw();
    // {type: 'hello', v: 1, nick: [[[...nil...]]]}: the nick nested `depth` arrays deep.
    const head = Buffer.concat([
      Buffer.from([0x83, 0xa4]),
      Buffer.from('type'),
      Buffer.from([0xa5]),
      Buffer.from('hello'),
      Buffer.from([0xa1, 0x76, 0x01, 0xa4]),
      Buffer.from('nick'),
    ]);
    const nested = (depth: number) =>
      Buffer.concat([head, Buffer.alloc(depth, 0x91), Buffer.from([0xc0])]);
    const payloads = [
      Buffer.from([0xc1]),
      Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), // an array claiming 4 billion items
      Buffer.from([0xdb, 0x7f, 0xff, 0xff, 0xff, 0x61]), // a string claiming 2 GB
      nested(300),
      nested(60_000),
    ];
    for (const p of payloads) {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(p.length);
      c.write(Buffer.concat([header, p]));
    }
    await until(() => c.received.length === payloads.length, 'an answer to each');
    expect(c.received.map((m) => (m.type === 'error' ? m.code : m.type))).toEqual(
      payloads.map(() => 'ERR_INVALID_MESSAGE'),
    );
    await c.hello('survivor'); // still connected, still served
    await carriesOn();
  });

  it('refuses huge names and unicode look-alikes in nicks', T, async () => {
    const c = await raw();
    const nicks = [
      'n'.repeat(60_000),
      'talkеr', // a Cyrillic е: looks like talker
      'talker\u200b', // zero-width space
      'tal\u202eker', // right-to-left override
      'ｔａｌｋｅｒ', // fullwidth
      'talke\u0301r', // a combining accent
      '',
    ];
    for (const nick of nicks) c.send({ type: 'hello', v: 1, nick });
    await until(() => c.received.length === nicks.length, 'an answer to each');
    expect(c.received.map((m) => (m.type === 'error' ? m.code : m.type))).toEqual(
      nicks.map(() => 'ERR_INVALID_MESSAGE'),
    );
    await c.hello('plain');
    c.send({ type: 'join', room: `#${'r'.repeat(60_000)}` });
    c.send({ type: 'whisper', to: 'talkеr', text: 'hi' });
    await until(() => c.received.length === nicks.length + 3, 'two more answers');
    expect(c.received.slice(-2).map((m) => m.type === 'error' && m.code)).toEqual([
      'ERR_INVALID_MESSAGE',
      'ERR_INVALID_MESSAGE',
    ]);
    await carriesOn();
  });
});

describe('hostile connections', () => {
  it('caps connections from one address', T, async () => {
    // 40 per address: watcher and talker hold 2, so 38 more get in and the other 7 do not.
    for (let i = 0; i < 45; i++) await raw();
    const refused = () =>
      raws.filter((c) =>
        c.received.some((m) => m.type === 'error' && m.code === 'ERR_TOO_MANY_CONNECTIONS'),
      );
    await until(() => refused().length === 7, '7 refusals');
    await until(() => refused().every((c) => c.closed), 'the refused to be closed');
    expect(raws.slice(0, 38).every((c) => !c.closed && c.received.length === 0)).toBe(true);
    await carriesOn();
  });

  it('drops slowloris connections that never finish a frame', T, async () => {
    const before = await welcomed('loris');
    const silent = await raw(); // never says hello
    silent.write(frame({ type: 'hello', v: 1, nick: 'x' }).subarray(0, 3));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1000);
    before.write(header);
    // One byte every 200 ms: bytes keep coming, a frame never does (at most 20 s).
    for (let i = 0; i < 100 && !before.closed; i++) {
      before.write(Buffer.from('x'));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(before.closed).toBe(true); // dropped while still trickling
    expect((await before.next('bye')).code).toBe('ERR_IDLE_TIMEOUT');
    expect((await silent.next('bye')).code).toBe('ERR_HELLO_REQUIRED');
    await carriesOn();
  });

  it('cuts a flooder off at once: its input is no longer read', T, async () => {
    // It ignores the server's FIN and keeps writing, as an attacker would.
    const c = await RawClient.connect(server.port, '127.0.0.1', true);
    raws.push(c);
    await c.hello('flooder');
    const batch = Buffer.concat(
      Array.from({ length: 4096 }, (_, i) => frame({ type: 'say', room: '#x', text: `f${i}` })),
    );
    // Up to 64 MiB, each write waited for: a server that reads (even to discard) takes it all.
    let written = 0;
    while (written < 64 * MiB && !c.closed) {
      const ok = await new Promise<boolean>((resolve) =>
        c.socket.write(batch, (err) => resolve(!err)),
      );
      if (!ok) break;
      written += batch.length;
    }
    expect((await c.next('bye')).code).toBe('ERR_FLOOD');
    await until(() => c.closed, 'the flooder to be disconnected');
    expect(written).toBeLessThan(32 * MiB);
    await carriesOn();
  });
});

describe('room churn', () => {
  it('never fills the room cap for good: empty rooms make way', T, async () => {
    // 39 rooms held by two clients, plus #watch: the cap (40) is reached with members.
    const holders = [await welcomed('holder1'), await welcomed('holder2')];
    for (let i = 0; i < 39; i++) holders[i % 2]!.send({ type: 'join', room: `#held${i}` });
    for (const [k, h] of holders.entries()) {
      await until(() => h.received.filter((m) => m.type === 'joined').length === 20 - k, 'joins');
    }
    const late = await welcomed('late');
    late.send({ type: 'join', room: '#new' });
    expect((await late.next('error')).code).toBe('ERR_TOO_MANY_ROOMS'); // every room has members
    for (const h of holders) h.socket.destroy();
    await connectionsAre(3); // the holders gone: watcher, talker, late
    late.send({ type: 'join', room: '#new' });
    expect((await late.next('joined')).room).toBe('#new');
    await carriesOn();
  });

  it('survives join/part churn over many names', T, async () => {
    const c = await welcomed('churner');
    for (let i = 0; i < 150; i++) {
      c.send({ type: 'join', room: `#churn${i}` });
      c.send({ type: 'leave', room: `#churn${i}` });
    }
    await until(() => c.received.filter((m) => m.type === 'left').length === 150, '150 leaves');
    expect(c.received.filter((m) => m.type === 'error')).toEqual([]);
    const counters = await talker.stats();
    expect(counters.rooms).toBeLessThanOrEqual(40);
    expect(counters.roomsRemoved).toBeGreaterThan(100);
    await carriesOn();
  });
});

describe('overload and slow consumers', () => {
  let flow: ServerProcess;
  let flowBaseline: number;
  const readers: PacedReader[] = [];

  beforeAll(async () => {
    flow = await startServerProcess(['--rate', '0', '--max-queue', String(256 * 1024)]);
    flowBaseline = flow.rss();
  }, 60_000);

  afterEach(() => {
    for (const r of readers.splice(0)) r.stop();
    for (const c of raws.splice(0)) c.socket.destroy();
  });

  afterAll(async () => {
    await flow?.stop();
  });

  /** A raw client of the flow server, welcomed and in `room`, reading as fast as it can. */
  async function member(nick: string, room: string): Promise<RawClient> {
    const c = await RawClient.connect(flow.port);
    raws.push(c);
    await c.hello(nick);
    c.send({ type: 'join', room });
    await c.next('joined');
    return c;
  }

  /** Sends `n` lines of `size` bytes as fast as the socket takes them (honouring 'drain'). */
  async function flood(c: RawClient, room: string, n: number, size: number): Promise<void> {
    const text = 'x'.repeat(size);
    for (let i = 0; i < n && !c.closed; i += 64) {
      const batch = [];
      for (let k = i; k < Math.min(n, i + 64); k++) batch.push(frame({ type: 'say', room, text }));
      if (!c.socket.write(Buffer.concat(batch))) await once(c.socket, 'drain');
    }
  }

  async function counters(c: RawClient): Promise<Record<string, number>> {
    const before = c.received.length;
    c.send({ type: 'stats' });
    await until(() => c.received.slice(before).some((m) => m.type === 'counters'), 'counters');
    const m = c.received.slice(before).find((m) => m.type === 'counters');
    return m?.type === 'counters' ? m.counters : {};
  }

  it('keeps a room whose every member reads slowly but steadily: the senders wait', T, async () => {
    // Six readers at ~1.6 MB/s each; the senders' 6,000 lines of 1 KiB reach each of them
    // far faster than that, so their queues fill: a room behind as a whole.
    for (let i = 0; i < 6; i++) {
      const r = await PacedReader.connect(flow.port, 8192, 5);
      readers.push(r);
      await r.enter(`steady${i}`, '#flood');
    }
    // Several senders: when the room catches up they all resume at once, and each must
    // stop again at its first line into a room that is behind, not after its whole read.
    const senders: RawClient[] = [];
    for (let i = 0; i < 4; i++) senders.push(await member(`sender${i}`, '#flood'));
    const sender = senders[0]!;
    const n = 6000;
    await Promise.all(senders.map((c) => flood(c, '#flood', n / senders.length, 1024)));
    for (const r of readers) {
      await until(() => r.msgs === n || r.closed, 'every line at every reader');
    }
    expect(readers.map((r) => r.received.filter((m) => m.type === 'bye'))).toEqual(
      readers.map(() => []),
    );
    expect(readers.map((r) => r.msgs)).toEqual(readers.map(() => n));
    const c = await counters(sender);
    expect(c['kick.ERR_SLOW_CONSUMER']).toBeUndefined();
    expect(c.senderPauses).toBeGreaterThan(0);
    expect(flow.rss() - flowBaseline).toBeLessThan(96 * MiB);
  });

  it('kicks a single non-reader among readers, and gives it the reason', T, async () => {
    const sloth = await member('sloth', '#mixed');
    sloth.socket.pause(); // stops reading: the kernel's buffers fill, then the server's queue
    const fast = [await member('ann', '#mixed'), await member('bob', '#mixed')];
    const sender = await member('cy', '#mixed');
    // Asks the counters away from the flood, so its reply does not wait behind the echo.
    const observer = await member('dee', '#quiet');
    const kicks = async () => (await counters(observer))['kick.ERR_SLOW_CONSUMER'] ?? 0;
    const kicksBefore = await kicks();
    const n = 6000; // 2 KiB each: 12 MiB for sloth, far past any socket buffer
    const flooding = flood(sender, '#mixed', n, 2048);
    // A kicked peer has 2 s to read its reason before the server destroys the socket, so
    // sloth reads again as soon as the kick is counted, not after the checks below.
    for (let i = 0; i < 1000 && (await kicks()) === kicksBefore; i++) await sleep(20);
    sloth.socket.resume();
    await flooding;
    const lines = (c: RawClient) => c.received.filter((m) => m.type === 'msg').length;
    for (const c of [...fast, sender]) await until(() => lines(c) === n, 'every line');
    const c = await counters(sender);
    expect(c['kick.ERR_SLOW_CONSUMER']).toBe(kicksBefore + 1);
    // Reading again, sloth finds the reason: its queued frames were dropped, the reason sent.
    expect((await sloth.next('error')).code).toBe('ERR_SLOW_CONSUMER');
    expect((await sloth.next('bye')).code).toBe('ERR_SLOW_CONSUMER');
    await until(() => sloth.closed, 'sloth to be closed');
    expect(lines(sloth)).toBeLessThan(n);
    expect(flow.rss() - flowBaseline).toBeLessThan(96 * MiB);
  });
});
