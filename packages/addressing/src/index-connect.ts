/** @netlab/addressing/connect: `connectTcp`, a TCP connection with Happy Eyeballs (RFC 8305). */

export { type ConnectOptions, connectTcp } from './connect.ts';
export { AddressError, type AddressErrorCode } from './errors.ts';
