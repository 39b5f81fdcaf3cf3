/** Paths a user types, resolved against the folder the user ran the command from. */
import { isAbsolute, resolve } from 'node:path';

/**
 * The folder the user ran the command from. `pnpm --filter <app> <script>` runs the script in
 * the app's folder and passes the user's folder as `INIT_CWD`; run directly, it is the cwd.
 *
 * @param env The environment to read (default `process.env`).
 * @returns An absolute folder path.
 * @example
 * userCwd(); // '/home/ann/work' when ann ran `pnpm --filter ssh-shell ssh ...` there
 */
export function userCwd(env: NodeJS.ProcessEnv = process.env): string {
  const init = env.INIT_CWD;
  return init !== undefined && init !== '' && isAbsolute(init) ? init : process.cwd();
}

/**
 * Resolves a path the user typed (a flag value or an argument) against {@link userCwd}, so
 * that `-i id_ed25519` means the file next to the user, not one in the app's folder.
 * `~` and `~/...` expand to the home folder, as a shell would have done had it seen them.
 *
 * @param path The path as typed.
 * @param env The environment to read (default `process.env`).
 * @returns The absolute path, for use and for error messages.
 * @example
 * const key = userPath(values.identity); // '/home/ann/work/id_ed25519'
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path === '~' || path.startsWith('~/')) {
    const home = env.HOME ?? '';
    if (home !== '') return resolve(home, path.slice(2));
  }
  return resolve(userCwd(env), path);
}
