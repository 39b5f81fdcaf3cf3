/** Bench clients for both servers: tcp-chat frames and IRC lines, counting and timing deliveries. */
import net from 'node:net';
import { lengthPrefixed } from '@netlab/framing';
import { chat } from '../src/protocol.ts';
import { encodeFrame } from '../src/wire.ts';
import { FrameCounter } from './counter.ts';
import type { Reservoir } from './stats.ts';

/** What every bench client shares: counters, and latency samples from observers. */
export interface Tally {
  delivered: number;
  /** Deliveries are counted inside the measuring window only (set by the driver)... */
  counting: boolean;
  /** ...and timed a little longer, so late lines of a saturated server are not left out. */
  timing: boolean;
  latency: Reservoir;
  /** Clients the server disconnected during the run (slow-consumer policies differ). */
  lost: number;
}

/**
 * Every bench socket reads into this one buffer (net's `onread`), for both servers alike:
 * Node's default is a fresh 64 KiB buffer per read, garbage at up to 400 MB/s here, and the
 * load generator's own GC pauses count as the measured server's latency. Handlers run
 * synchronously and keep nothing of a chunk they do not copy. (Not `@netlab/framing`'s
 * decoders: counting clients only walk frame headers and want no per-frame callback, and
 * both kinds of client, tcp-chat's and IRC's, share this one read path.)
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** Connects to the server on 127.0.0.1; `onChunk` sees each read, valid only during the call. */
function connect(port: number, onChunk: (chunk: Buffer) => void): net.Socket {
  const socket = net.connect({
    port,
    host: '127.0.0.1',
    onread: {
      buffer: READ_BUFFER,
      callback: (n) => {
        onChunk(READ_BUFFER.subarray(0, n));
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  return socket;
}

/** After set-up, a dropped connection is counted, not fatal: the report says how many. */
function watch(
  socket: net.Socket,
  tally: Tally,
  settle: { done: boolean },
  reject: (e: Error) => void,
): void {
  socket.on('error', (err) => (settle.done ? undefined : reject(err)));
  socket.on('close', () => {
    if (settle.done && tally.counting) tally.lost++;
  });
}

export interface BenchClient {
  socket: net.Socket;
  /** Sends one timestamped line to the room; returns false if the socket is backed up. */
  send(room: string, now: number): boolean;
}

const codec = lengthPrefixed({ maxFrameSize: 1024 * 1024 });
/**
 * A sender skips its turn while this much is still unsent: the load stays open-loop up to
 * what the server accepts, but an overloaded server shows up as skipped sends and lower
 * throughput rather than as seconds of latency queued inside the load generator.
 */
const BACKLOG = 16 * 1024;

/**
 * A tcp-chat client. Non-observers only count frames (FrameCounter walks the headers,
 * no MessagePack decode), so the load generator is not what saturates; observers decode and
 * time every line that is not their own echo. Echoes are not counted as deliveries, to match
 * IRC, where a sender never gets its own line back.
 */
export function chatClient(
  port: number,
  nick: string,
  rooms: string[],
  observer: boolean,
  tally: Tally,
): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const decoder = codec.createDecoder();
    let joined = 0;
    const onFrame = (payload: Buffer) => {
      if (joined < rooms.length) {
        const m = chat.unpack(payload) as { type: string };
        if (m.type === 'joined' && ++joined === rooms.length) {
          settle.done = true;
          resolve(client);
        }
        if (m.type === 'error') reject(new Error(`${nick}: ${JSON.stringify(m)}`));
        return;
      }
      if (!observer) {
        if (tally.counting) tally.delivered++;
        return;
      }
      if (!tally.timing) return;
      const m = chat.unpack(payload) as { type: string; from: string; text: string };
      if (m.type !== 'msg' || m.from === nick) return;
      if (tally.counting) tally.delivered++;
      tally.latency.add(performance.now() - Number(m.text));
    };
    const settle = { done: false };
    const counter = new FrameCounter();
    const socket = connect(port, (chunk) => {
      // Once joined, a non-observer only counts (starting on a frame boundary). The decoder
      // may keep part of a chunk for the next read, so it gets a copy of the shared buffer.
      if (observer || joined < rooms.length || decoder.buffered > 0)
        decoder.write(Buffer.from(chunk), onFrame);
      else if (tally.counting) tally.delivered += counter.count(chunk);
      else counter.count(chunk);
    });
    watch(socket, tally, settle, reject);
    socket.write(encodeFrame({ type: 'hello', v: 1, nick }));
    for (const room of rooms) socket.write(encodeFrame({ type: 'join', room }));
    const client: BenchClient = {
      socket,
      send(room, now) {
        socket.write(encodeFrame({ type: 'say', room, text: now.toFixed(3) }));
        return socket.writableLength < BACKLOG;
      },
    };
  });
}

/** An IRC client (RFC 2812: NICK/USER, JOIN, PRIVMSG). Counts lines; observers time them. */
export function ircClient(
  port: number,
  nick: string,
  room: string,
  observer: boolean,
  tally: Tally,
): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    let ready = false;
    let partial = '';
    const settle = { done: false };
    const socket = connect(port, (chunk) => {
      if (!observer && ready) {
        if (!tally.counting) return;
        let n = 0;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
        tally.delivered += n;
        return;
      }
      const text = chunk.toString('latin1');
      if (!ready) {
        if (text.includes(' 366 ')) {
          ready = true; // RPL_ENDOFNAMES: the JOIN is complete
          settle.done = true;
          resolve(client);
        }
        if (text.includes('PING ')) socket.write(text.replace(/.*PING /s, 'PONG '));
        return;
      }
      if (!tally.timing) return;
      const lines = (partial + text).split('\r\n');
      partial = lines.pop() ?? '';
      const now = performance.now();
      for (const line of lines) {
        const at = line.indexOf(' PRIVMSG ');
        if (at < 0) continue;
        if (tally.counting) tally.delivered++;
        tally.latency.add(now - Number(line.slice(line.indexOf(' :', at) + 2)));
      }
    });
    watch(socket, tally, settle, reject);
    socket.write(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\nJOIN ${room}\r\n`);
    const client: BenchClient = {
      socket,
      send(target, now) {
        socket.write(`PRIVMSG ${target} :${now.toFixed(3)}\r\n`);
        return socket.writableLength < BACKLOG;
      },
    };
  });
}
