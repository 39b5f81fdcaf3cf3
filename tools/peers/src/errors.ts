/** PeerError: every failure of @netlab/peers carries a stable string `code`. */
import { CodedError } from '@netlab/cli';

/** Stable codes thrown by @netlab/peers. */
export type PeerErrorCode =
  | 'ERR_PEER_NOT_INSTALLED'
  | 'ERR_PEER_INSTALL_FAILED'
  | 'ERR_PEER_START_FAILED'
  | 'ERR_PEER_START_TIMEOUT'
  | 'ERR_PEER_PORT_IN_USE'
  | 'ERR_PEER_STOP_TIMEOUT'
  | 'ERR_PEER_COMMAND_FAILED'
  | 'ERR_PEER_INVALID_OPTION';

/**
 * Error thrown when a peer server cannot be installed, started or stopped.
 * @example
 * try { await startRedis(); } catch (err) { if (err instanceof PeerError) console.error(err.code); }
 */
export class PeerError extends CodedError<PeerErrorCode> {
  override readonly name = 'PeerError';
}
