/** @netlab/peers: real servers (Redis, sshd, dnsmasq, Dovecot, ngircd) on loopback for tests. */

export { type BlackHole, startBlackHole } from './black-hole.ts';
export { type DnsmasqOptions, type DnsmasqPeer, type DnsRecords, startDnsmasq } from './dnsmasq.ts';
export {
  type DovecotOptions,
  type DovecotPeer,
  type DovecotUser,
  startDovecot,
} from './dovecot.ts';
export { PeerError, type PeerErrorCode } from './errors.ts';
export { ensureInstalled, installCommand, type Needs } from './install.ts';
export { type NgircdOptions, type NgircdPeer, startNgircd } from './ngircd.ts';
export { freePort, HOST } from './ports.ts';
export { descendantsOf, isRunning, type ProcessUsage, processUsage } from './proc.ts';
export { type RedisOptions, type RedisPeer, redisPing, startRedis } from './redis.ts';
export { ensure, REQUIREMENTS, type Requirement } from './requirements.ts';
export { type SshdOptions, type SshdPeer, sshFingerprint, startSshd } from './sshd.ts';
export { type DevCertificates, makeDevCertificates } from './tls.ts';
export { ensureGcc, ensurePromtool, ensurePython, ensureScrapy } from './tools.ts';
export { waitUntil } from './wait.ts';
