/** Field and link extraction: one streaming htmlparser2 pass, or a DOM for selectors that need one. */
import { selectAll, selectOne } from 'css-select';
import type { AnyNode, Element } from 'domhandler';
import { DomUtils, Parser, parseDocument } from 'htmlparser2';
import { CrawlError } from './errors.ts';
import {
  compileStreaming,
  type OpenElement,
  parseSelector,
  type StreamingSelector,
} from './selector.ts';

/** `--select name=css` or `name=css@attr`: the text (or attribute) of the first match. */
export interface FieldSpec {
  name: string;
  css: string;
  attr?: string;
}

export interface Extracted {
  fields: Record<string, string | null>;
  /** `href`s as written, to resolve against `base` (from `<base href>`) or the page's URL. */
  links: string[];
  base?: string;
}

export type Extractor = (html: string) => Extracted;

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

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Builds the extractor: streaming when every selector allows it (no tree is kept: memory stays
 * flat however big the page), else a DOM per page. `dom` forces the DOM path (tests compare).
 */
export function createExtractor(specs: FieldSpec[], mode: 'auto' | 'dom' = 'auto'): Extractor {
  const compiled = specs.map((spec) => compileStreaming(spec.css));
  if (mode === 'auto' && compiled.every((c) => c !== null))
    return streamingExtractor(specs, compiled as StreamingSelector[]);
  return domExtractor(specs);
}

const follows = (attribs: Record<string, string>): boolean =>
  !/\bnofollow\b/i.test(attribs.rel ?? '');

function streamingExtractor(specs: FieldSpec[], selectors: StreamingSelector[]): Extractor {
  return (html) => {
    const stack: OpenElement[] = [];
    const fields: Record<string, string | null> = {};
    for (const spec of specs) fields[spec.name] = null;
    const depth = specs.map(() => -1); // the stack depth of the element being captured
    const parts: string[][] = specs.map(() => []);
    let pending = specs.length;
    let capturing = 0;
    const links: string[] = [];
    let base: string | undefined;
    let nofollow = false;
    const parser = new Parser(
      {
        onopentag(name, attribs) {
          stack.push({ name, attribs });
          if ((name === 'a' || name === 'area') && attribs.href !== undefined && follows(attribs)) {
            links.push(attribs.href);
          } else if (name === 'base' && base === undefined) base = attribs.href;
          else if (name === 'meta' && attribs.name?.toLowerCase() === 'robots') {
            nofollow ||= /\bnofollow\b|\bnone\b/i.test(attribs.content ?? '');
          }
          if (pending === 0) return;
          for (let i = 0; i < specs.length; i++) {
            if (fields[specs[i]!.name] !== null || depth[i] !== -1 || !selectors[i]!(stack))
              continue;
            const attr = specs[i]!.attr;
            if (attr === undefined) {
              depth[i] = stack.length;
              capturing++;
            } else if (attribs[attr] !== undefined) {
              fields[specs[i]!.name] = attribs[attr];
              pending--;
            }
          }
        },
        ontext(text) {
          if (capturing === 0) return;
          for (let i = 0; i < specs.length; i++) if (depth[i] !== -1) parts[i]!.push(text);
        },
        onclosetag() {
          if (capturing > 0) {
            for (let i = 0; i < specs.length; i++) {
              if (depth[i] !== stack.length) continue;
              fields[specs[i]!.name] = squash(parts[i]!.join(''));
              depth[i] = -1;
              capturing--;
              pending--;
            }
          }
          stack.pop();
        },
      },
      { decodeEntities: true },
    );
    parser.end(html);
    return { fields, links: nofollow ? [] : links, ...(base === undefined ? {} : { base }) };
  };
}

function domExtractor(specs: FieldSpec[]): Extractor {
  return (html) => {
    const doc = parseDocument(html);
    const fields: Record<string, string | null> = {};
    for (const spec of specs) {
      const matches = selectAll<AnyNode, Element>(spec.css, doc);
      const hit = spec.attr
        ? matches.find((el) => el.attribs[spec.attr!] !== undefined)
        : matches[0];
      fields[spec.name] = hit
        ? spec.attr
          ? hit.attribs[spec.attr]!
          : squash(DomUtils.textContent(hit))
        : null;
    }
    const robots = selectOne<AnyNode, Element>('meta[name="robots" i]', doc)?.attribs.content ?? '';
    const links = /\bnofollow\b|\bnone\b/i.test(robots)
      ? []
      : selectAll<AnyNode, Element>('a[href], area[href]', doc)
          .filter((el) => follows(el.attribs))
          .map((el) => el.attribs.href!);
    const base = selectOne<AnyNode, Element>('base[href]', doc)?.attribs.href;
    return { fields, links, ...(base === undefined ? {} : { base }) };
  };
}
