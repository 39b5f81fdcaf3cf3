/** The reconnect loop: wait with backoff and jitter, try again, give up only when told to. */
import { backoffDelay } from '@netlab/cli';

/** How a client waits between reconnect attempts, and for how long it keeps trying. */
export interface BackoffOptions {
  /** First delay window in ms (default 250). */
  baseMs?: number;
  /** Largest delay window in ms (default 10,000). */
  capMs?: number;
  /** Attempts before giving up (default Infinity). */
  maxAttempts?: number;
}

/** What the loop needs from a client. */
export interface Reconnectable {
  /** Connects, says hello with the resume token, rejoins rooms with `since`. */
  open(): Promise<void>;
  /** Destroys a half-open attempt. */
  abandon(): void;
  readonly closing: boolean;
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * Retries `open()` until it succeeds (`reconnected`), the client closes, `maxAttempts` runs
 * out, or the server refuses the nick for good; then `close`. Emits `reconnecting`
 * ({ attempt, delayMs }) before each wait and `reconnect-failed` (error) after each failure.
 */
export async function reconnect(client: Reconnectable, b: BackoffOptions): Promise<void> {
  const max = b.maxAttempts ?? Number.POSITIVE_INFINITY;
  // Equal jitter: after a server restart, 1,000 clients spread over the window instead of
  // all knocking at the same millisecond.
  const window = { baseMs: b.baseMs ?? 250, capMs: b.capMs ?? 10_000 };
  for (let attempt = 0; attempt < max; attempt++) {
    const delayMs = backoffDelay(attempt, window);
    client.emit('reconnecting', { attempt: attempt + 1, delayMs });
    await new Promise((r) => setTimeout(r, delayMs));
    if (client.closing) break;
    try {
      await client.open();
      client.emit('reconnected');
      return;
    } catch (err) {
      client.abandon();
      client.emit('reconnect-failed', err);
      // Someone else holds the nick now, or the server wants TLS: retrying will not change that.
      const code = (err as { code?: string }).code;
      if (code === 'ERR_NICK_IN_USE' || code === 'ERR_TLS_REQUIRED') break;
    }
  }
  client.emit('close');
}

/**
 * After a lost connection: reconnect unless told not to, or unless the server's reason says
 * retrying cannot help (another protocol version; our session taken over elsewhere).
 */
export async function reconnectAfter(
  client: Reconnectable,
  code: string,
  policy: boolean | BackoffOptions,
): Promise<void> {
  const fatal = code === 'ERR_PROTOCOL_VERSION' || code === 'ERR_SESSION_REPLACED';
  if (policy === false || fatal) {
    client.emit('close');
    return;
  }
  await reconnect(client, policy === true ? {} : policy);
}
