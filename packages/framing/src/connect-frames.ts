/** connectFrames: a TCP client whose frames the kernel reads straight into their own memory. */
import { connect, type IpcNetConnectOpts, type Socket, type TcpNetConnectOpts } from 'node:net';
import type { Readable } from 'node:stream';
import type { FrameCodec, FrameHandler } from './codec.ts';
import { DirectReader } from './direct-reader.ts';

/** Options for {@link connectFrames}: those of `net.connect`, which sets `onread` itself. */
export type ConnectFramesOptions =
  | Omit<TcpNetConnectOpts, 'onread'>
  | Omit<IpcNetConnectOpts, 'onread'>;

/** How {@link connectFrames} manages frame memory. */
export interface ConnectFramesReadOptions {
  /**
   * Reuse the memory of frames already delivered for the next reads (default false). No
   * allocation in steady state, like `onread` with one buffer, but a frame is then valid
   * only until `onFrame` returns (copy what you keep: `Buffer.from(frame)`); frames held
   * while the socket is paused stay valid until they are delivered. Needs `onFrame`: an
   * iterator would keep frames across reads.
   */
  reuse?: boolean;
}

/**
 * Where a socket made by {@link connectFrames} delivers frames. `onFrame` runs for each
 * frame (or queues it while the socket is paused); `onRead` runs after each read's frames.
 */
export interface FrameSink {
  onFrame: FrameHandler;
  onRead?: () => void;
}

/** The frame source behind each socket made by connectFrames, for readFrames to find. */
export class DirectSource {
  readonly codec: FrameCodec;
  /** Set once the socket exists (the reader it feeds is made first, for its options). */
  socket: Socket | null = null;
  #sink: FrameSink | null = null;
  /** Frames decoded while the socket was paused or had no sink, in order. */
  #pending: Buffer[] = [];

  /** Frames live only until delivered (connectFrames' `reuse`): no iterator may take them. */
  readonly reuse: boolean;

  constructor(codec: FrameCodec, reuse: boolean) {
    this.codec = codec;
    this.reuse = reuse;
  }

  /** Deliver to `sink` from now on (null: queue), frames queued so far first. */
  attach(sink: FrameSink | null): void {
    this.#sink = sink;
    this.flush();
  }

  /** No frame waits to be delivered: the reader may rewrite memory it handed out. */
  get idle(): boolean {
    return this.#pending.length === 0;
  }

  deliver = (frame: Buffer): void => {
    // A consumer that paused gets no more frames until it resumes, even from this read.
    if (this.#sink === null || this.#pending.length > 0 || this.socket!.isPaused()) {
      this.#pending.push(frame);
    } else {
      this.#sink.onFrame(frame);
    }
  };

  afterRead(): void {
    this.#sink?.onRead?.();
  }

  /** Hand over the frames queued while paused; runs on 'resume' and on attach. */
  flush(): void {
    const sink = this.#sink;
    if (sink === null || this.#pending.length === 0) return;
    const pending = this.#pending;
    let i = 0;
    while (i < pending.length && !this.socket!.isPaused()) sink.onFrame(pending[i++]!);
    this.#pending = i === pending.length ? [] : pending.slice(i);
    if (i > 0) sink.onRead?.();
  }
}

const sources = new WeakMap<Readable, DirectSource>();

/** @internal The DirectSource of a socket made by connectFrames, if it is one. */
export function directSourceOf(stream: Readable): DirectSource | undefined {
  return sources.get(stream);
}

/**
 * Open a TCP (or IPC) connection whose incoming length-prefixed frames are read by the
 * kernel straight into buffers of their own (net's `onread` option): no copy of a large
 * frame's payload in JavaScript, and no 64 KiB Buffer allocated per read.
 *
 * Each frame is a Buffer no later read ever writes into: keep it as long as you like. A
 * small frame is a view of a 64 KiB region shared with its neighbours (keeping it keeps
 * the region); copy it with `Buffer.from` if you keep many small frames for long. With
 * `reuse` instead, the memory is read into again: a frame is valid only during `onFrame`.
 *
 * Flow control: `socket.pause()` (from `onFrame` or anywhere) stops reading at once; the
 * frames already read are held (at most one read, 64 KiB plus a frame) and delivered after
 * `socket.resume()`. Without `onFrame` the socket starts paused and is read with
 * {@link readFrames} or {@link readFrameBatches}. Only client sockets can do this: Node 20
 * gives an accepted (server) socket no `onread`.
 *
 * @param options - `net.connect` options (`host`, `port`, `path`, ...); not `onread`
 * @param codec - a length-prefixed codec (`lengthPrefixed()`, u32 or varint)
 * @param onFrame - called for each frame, in order; if it throws, the socket is destroyed
 *   with that error
 * @param readOptions - `reuse`: recycle frame memory (frames valid only during `onFrame`)
 * @returns the socket. A FramingError (ERR_FRAME_TOO_LARGE, ERR_INVALID_HEADER, or
 *   ERR_TRUNCATED when the peer ends inside a frame) destroys it and is emitted as 'error'.
 * @throws {TypeError} for a codec other than `lengthPrefixed()`, or `reuse` without `onFrame`
 * @example
 * const socket = connectFrames({ host: '127.0.0.1', port: 4040 }, lengthPrefixed(), (frame) => {
 *   files.push(frame); // a Buffer of its own
 * });
 * socket.on('error', (err) => console.error(err.code));
 */
export function connectFrames(
  options: ConnectFramesOptions,
  codec: FrameCodec,
  onFrame?: FrameHandler,
  readOptions: ConnectFramesReadOptions = {},
): Socket {
  const header = (codec as { header?: unknown }).header;
  if (header !== 'u32' && header !== 'varint') {
    throw new TypeError(`connectFrames needs a lengthPrefixed() codec, got ${codec.name}`);
  }
  const reuse = readOptions.reuse === true;
  if (reuse && onFrame === undefined) {
    throw new TypeError(
      'connectFrames with reuse needs onFrame: frames live only until it returns',
    );
  }
  const reader = new DirectReader(codec.maxFrameSize, header === 'varint', reuse);
  const source = new DirectSource(codec, reuse);
  // Any error on the way to the consumer (a throwing onFrame, a bad frame, a truncated
  // stream) ends this connection, never the process.
  const guard = (step: () => void) => {
    try {
      step();
    } catch (err) {
      socket.destroy(err as Error);
    }
  };
  const socket: Socket = connect({
    ...options,
    onread: {
      buffer: () => reader.nextBuffer(source.idle),
      callback: (bytes: number): boolean => {
        guard(() => {
          reader.commit(bytes, source.deliver);
          source.afterRead();
        });
        return !socket.destroyed;
      },
    },
  });
  source.socket = socket;
  sources.set(socket, source);
  socket.on('resume', () => guard(() => source.flush()));
  socket.on('end', () => guard(() => reader.end()));
  if (onFrame === undefined) socket.pause();
  else source.attach({ onFrame });
  return socket;
}
