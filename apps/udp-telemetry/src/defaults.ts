/** Default ports, payload budget and receive buffer: plain numbers, so help texts load nothing else. */

/**
 * Payload budget per datagram: 1500 (Ethernet MTU) - 20 (IPv4) - 8 (UDP) leaves 1472; 1432
 * also leaves room for a 40-byte IPv6 header, so no datagram is ever fragmented.
 */
export const DEFAULT_MTU = 1432;
/** StatsD's port since Etsy's daemon: every StatsD client sends here unless told otherwise. */
export const DEFAULT_PORT = 8125;
export const DEFAULT_HTTP_PORT = 9102;
export const DEFAULT_HOST = '127.0.0.1';
/** 8 MiB: room for ~20 ms of a 400k datagrams/s burst while the event loop is busy. */
export const DEFAULT_RCVBUF = 8 * 1024 * 1024;
