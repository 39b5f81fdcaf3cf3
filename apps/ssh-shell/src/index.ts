/** @netlab/ssh-shell: SSH server and client (exec, PTY shell, SFTP, many hosts) that interoperate with OpenSSH. */
export {
  type ConnectOptions,
  connect,
  type ExecIO,
  type ShellIO,
  type SshConnection,
} from './client.ts';
export { SshShellError, type SshShellErrorCode } from './errors.ts';
export { agentSocket, type Identity, loadIdentities } from './identity.ts';
export { fingerprint, type HostKey, loadOrCreateHostKey } from './keys.ts';
export { checkHostKey, knownHostsLine, parseKnownHosts } from './known-hosts.ts';
export { execMany, type ManyOptions, summaryTable, type Target } from './multi.ts';
export { hashPassword } from './passwords.ts';
export * from './protocol.ts';
export { createServer, type ServerOptions, type SshShellServer } from './server.ts';
export { get, put } from './transfer.ts';
