/** A `--select name=css[@attr]` field, parsed on the command line (before any page is). */
import { CrawlError } from './errors.ts';
import { parseSelector } from './selector.ts';

/** `--select name=css` or `name=css@attr`: the text (or attribute) of the first match. */
export interface FieldSpec {
  name: string;
  css: string;
  attr?: string;
}

/** Parses `name=css[@attr]`; @throws {CrawlError} `ERR_BAD_SELECTOR`. */
export function parseFieldSpec(text: string): FieldSpec {
  const eq = text.indexOf('=');
  const name = text.slice(0, eq).trim();
  if (eq <= 0 || !/^[A-Za-z_][\w.-]*$/.test(name)) {
    throw new CrawlError(
      'ERR_BAD_SELECTOR',
      `--select takes name=css (e.g. title=h1), not '${text}'`,
    );
  }
  let css = text.slice(eq + 1).trim();
  const at = /@([A-Za-z_:][-\w:.]*)$/.exec(css);
  const attr = at?.[1];
  if (at) css = css.slice(0, at.index).trim();
  if (css === '') throw new CrawlError('ERR_BAD_SELECTOR', `--select ${name}= has no selector`);
  parseSelector(css); // fail on the command line, not on the first page
  return attr ? { name, css, attr } : { name, css };
}
