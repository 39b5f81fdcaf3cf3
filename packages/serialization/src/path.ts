/** Render a schema issue path as `members[2].nick`. */
import type { IssuePathItem } from 'valibot';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Format a valibot issue path the way JavaScript would access it.
 * @param path - the issue's path items (object keys, array indexes)
 * @returns e.g. `room`, `members[2].nick`, `headers["content-type"]`, or `''` for the root
 */
export function formatPath(path: readonly IssuePathItem[] | undefined): string {
  let out = '';
  for (const item of path ?? []) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
