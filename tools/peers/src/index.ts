/** @netlab/peers: real servers (Redis, sshd, dnsmasq, Dovecot, ngircd) on loopback for tests. */
export { type DnsmasqOptions, type DnsmasqPeer, type DnsRecords, startDnsmasq } from './dnsmasq.ts';
export { PeerError, type PeerErrorCode } from './errors.ts';
export { ensureInstalled, ensurePromtool, ensurePython, installCommand } from './install.ts';
export { freePort, HOST } from './ports.ts';
export { type RedisPeer, redisPing, startRedis } from './redis.ts';
export { type SshdOptions, type SshdPeer, sshFingerprint, startSshd } from './sshd.ts';
