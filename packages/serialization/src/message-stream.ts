/** MessageStream: typed messages over a socket, composing framing, MessagePack and validation. */
import type { Duplex } from 'node:stream';
import { type FrameCodec, FrameWriter, lengthPrefixed, readFrames } from '@netlab/framing';
import type { TraceHook } from './trace.ts';
import type { AnyMessage, MessageDefinitions, Protocol } from './types.ts';

/** Options for {@link MessageStream}. */
export interface MessageStreamOptions {
  /** Framing codec (default `lengthPrefixed()`: u32 header, 1 MiB maximum). */
  codec?: FrameCodec;
  /** Called for each message in and out, see {@link TraceHook}. */
  trace?: TraceHook;
  /** How long {@link MessageStream.close} waits for the peer before destroying (default 2000 ms). */
  closeTimeoutMs?: number;
}

/**
 * Typed messages over any Duplex (net.Socket, tls.TLSSocket). One stream per connection.
 * `send` honours backpressure; iterate (or call `next`) to receive. Socket errors never
 * go unhandled: they come out of `next()` and `send()`. Errors carry codes:
 * FramingError (ERR_FRAME_TOO_LARGE, ERR_TRUNCATED, ERR_STREAM_CLOSED) or
 * SerializationError (ERR_INVALID_MESSAGE, ERR_ENCODE_FAILED).
 *
 * @example
 * const stream = new MessageStream(socket, chat);
 * await stream.send({ type: 'say', room: 'lobby', text: 'hi' });
 * for await (const message of stream) {
 *   if (message.type === 'say') console.log(message.text);
 * }
 */
export class MessageStream<M extends MessageDefinitions> implements AsyncIterable<AnyMessage<M>> {
  /** The protocol spoken. */
  readonly protocol: Protocol<M>;
  /** The framing codec. */
  readonly codec: FrameCodec;
  /** The underlying socket. */
  readonly socket: Duplex;
  readonly #writer: FrameWriter;
  readonly #frames: AsyncIterableIterator<Buffer>;
  readonly #trace: TraceHook | undefined;
  readonly #closeTimeoutMs: number;

  /**
   * @param socket - a connected Duplex; the stream reads and writes it from now on
   * @param protocol - from `defineProtocol`
   * @param options - see {@link MessageStreamOptions}
   */
  constructor(socket: Duplex, protocol: Protocol<M>, options: MessageStreamOptions = {}) {
    this.socket = socket;
    this.protocol = protocol;
    this.codec = options.codec ?? lengthPrefixed();
    this.#writer = new FrameWriter(socket, this.codec);
    this.#frames = readFrames(socket, this.codec);
    this.#trace = options.trace;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    // The stream owns the socket's errors: without a listener an ECONNRESET that arrives
    // while nobody reads or waits would crash the process. It surfaces instead from
    // next() (the error itself) and send() (ERR_STREAM_CLOSED with the error as cause).
    socket.on('error', noop);
  }

  /**
   * Send one message. Resolves when the socket can take more (backpressure): await it.
   * @param message - a message of the protocol
   * @returns resolves once written or buffered under the socket's highWaterMark
   * @throws {SerializationError} ERR_INVALID_MESSAGE (unknown type), ERR_ENCODE_FAILED
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_STREAM_CLOSED
   */
  send(message: AnyMessage<M>): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = this.protocol.encode(message);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#trace?.('out', message, bytes);
    return this.#writer.write(bytes);
  }

  /**
   * Receive the next message.
   * @returns the message, or `undefined` when the peer ended the stream between frames
   * @throws {SerializationError} ERR_INVALID_MESSAGE (the stream stays usable)
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_TRUNCATED; socket errors as they are
   */
  async next(): Promise<AnyMessage<M> | undefined> {
    const next = await this.#frames.next();
    if (next.done) return undefined;
    const message = this.protocol.decode(next.value);
    this.#trace?.('in', message, next.value);
    return message;
  }

  /** Iterate messages until the peer ends; `break` leaves the stream open for `next()`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<AnyMessage<M>, void, undefined> {
    for (;;) {
      const message = await this.next();
      if (message === undefined) return;
      yield message;
    }
  }

  /**
   * End our side after queued writes flush, then wait for the peer to close (or destroy
   * the socket after `closeTimeoutMs`). Safe to call twice.
   * @returns resolves when the socket is closed
   */
  async close(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const timer = setTimeout(() => socket.destroy(), this.#closeTimeoutMs);
    try {
      await this.#writer.end();
    } catch {
      socket.destroy();
    }
    // Keep reading (and dropping) what the peer still sends, so its 'end' arrives.
    if (socket.readableFlowing !== true) socket.resume();
    await closed;
    clearTimeout(timer);
  }

  /**
   * Tear the connection down at once.
   * @param error - optional reason, emitted as the socket's 'error'
   */
  destroy(error?: Error): void {
    this.socket.destroy(error);
  }
}

function noop(): void {}
