/** Render a schema issue path as `members[2].nick`. */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Format a schema issue path the way JavaScript would access it.
 * @param path - the path (object keys, array indexes)
 * @returns e.g. `room`, `members[2].nick`, `headers["content-type"]`, or `''` for the root
 * @example
 * formatPath(['members', 2, 'nick']); // 'members[2].nick'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
