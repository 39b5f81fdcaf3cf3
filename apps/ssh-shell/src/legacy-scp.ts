/**
 * Legacy scp (`scp -O`, the rcp protocol): the client runs `scp -t PATH` (upload) or `scp -f
 * PATH` (download) on the server, which would read and write the server's real file system,
 * not the SFTP root that OpenSSH 9's default scp (SFTP mode) sees. Rather than two views of
 * `/` this server does not serve it, and says so in the protocol's own error form.
 */

/** `scp [-options] -t|-f ...` as OpenSSH's scp -O sends it (`scp -v -r -p -t -- /dir`). */
const LEGACY = /^\s*scp(\s+-[A-Za-z]+)*\s+-[A-Za-z]*[tf][A-Za-z]*(\s|$)/;

export function isLegacyScp(command: string): boolean {
  return LEGACY.test(command);
}

/** A fatal error in the rcp protocol: byte 2, a line of text; scp prints it and gives up. */
export const LEGACY_SCP_REFUSAL =
  '\x02ssh-shell: legacy scp (-O) is not served here; use scp without -O (SFTP mode, inside the SFTP root)\n';
