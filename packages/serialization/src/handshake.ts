/** The protocol handshake: each side sends `{ type: '$handshake', protocol, version }` first. */
import { SerializationError } from './errors.ts';

/** The first message on every {@link MessageStream}, before any message of the protocol. */
export interface Handshake {
  /** Reserved type name; never a message type of a protocol. */
  type: '$handshake';
  /** Protocol name, e.g. `tcp-chat`. */
  protocol: string;
  /** The sender's protocol version. */
  version: number;
}

/** @internal Our handshake. */
export function makeHandshake(protocol: string, version: number): Handshake {
  return { type: '$handshake', protocol, version };
}

/**
 * @internal Check a peer's handshake against ours.
 * @throws {SerializationError} ERR_INVALID_MESSAGE, ERR_PROTOCOL_MISMATCH, ERR_VERSION_MISMATCH
 */
export function checkHandshake(
  value: unknown,
  protocol: string,
  version: number,
  accepts: readonly number[],
): Handshake {
  const peer = value as Partial<Handshake> | null;
  if (
    typeof peer !== 'object' ||
    peer === null ||
    peer.type !== '$handshake' ||
    typeof peer.protocol !== 'string' ||
    !Number.isSafeInteger(peer.version)
  ) {
    throw new SerializationError(
      'ERR_INVALID_MESSAGE',
      `expected a ${protocol} handshake {type: "$handshake", protocol, version} as the first message`,
      { path: '', messageType: '$handshake' },
    );
  }
  if (peer.protocol !== protocol) {
    throw new SerializationError(
      'ERR_PROTOCOL_MISMATCH',
      `peer speaks protocol ${JSON.stringify(peer.protocol)}, we speak ${JSON.stringify(protocol)}`,
      { messageType: '$handshake' },
    );
  }
  const peerVersion = peer.version as number;
  if (!accepts.includes(peerVersion)) {
    throw new SerializationError(
      'ERR_VERSION_MISMATCH',
      `peer speaks ${protocol} version ${peerVersion}, we speak version ${version} (accepting ${accepts.join(', ')})`,
      { messageType: '$handshake' },
    );
  }
  return { type: '$handshake', protocol: peer.protocol, version: peerVersion };
}
