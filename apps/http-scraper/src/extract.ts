/** Field and link extraction: one streaming htmlparser2 pass, or a DOM for selectors that need one. */
import { selectAll, selectOne } from 'css-select';
import { type AnyNode, DomHandler, type Element } from 'domhandler';
import { DomUtils, Parser } from 'htmlparser2';
import { CrawlError } from './errors.ts';
import type { FieldSpec } from './field.ts';
import { compileStreaming, type OpenElement, type StreamingSelector } from './selector.ts';

export interface Extracted {
  fields: Record<string, string | null>;
  /** `href`s as written, to resolve against `base` (from `<base href>`) or the page's URL. */
  links: string[];
  base?: string;
}

export type Extractor = (html: string) => Extracted;

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
  attribs.rel === undefined || !/\bnofollow\b/i.test(attribs.rel);

interface StreamState {
  stack: OpenElement[];
  fields: Record<string, string | null>;
  depth: number[]; // per field: the stack depth of the element being captured, or -1
  parts: string[][];
  pending: number;
  capturing: number;
  links: string[];
  base: string | undefined;
  nofollow: boolean;
  /** Elements open beyond MAX_NESTING, and the ones they stand in for on the stack. */
  overflow: number;
  hidden: OpenElement[];
}

/** Open elements selectors see at most (Chromium's HTML tree builder nests no deeper either). */
const MAX_NESTING = 512;
/**
 * Deeper than this, a page is given up on: htmlparser2 keeps its open elements in an array it
 * unshifts, so each level costs a copy of all the levels above it. 100,000 nested <div>s took
 * 9 s of CPU; a 5 MiB page of them (a million) would take hours. Real pages stay far below.
 */
export const MAX_PARSE_DEPTH = 4096;

const tooDeep = (): CrawlError =>
  new CrawlError('ERR_HTML_TOO_DEEP', `elements nested deeper than ${MAX_PARSE_DEPTH}`);

// The DOM path's tree builder, refusing the same depth.
class DepthLimitedHandler extends DomHandler {
  override onopentag(name: string, attribs: Record<string, string>): void {
    if (this.tagStack.length > MAX_PARSE_DEPTH) throw tooDeep();
    super.onopentag(name, attribs);
  }
}

// One parser per extractor, reset for each page: parse() is synchronous, so pages never
// share it, and a crawl does not allocate a tokenizer and a dozen closures per page.
function streamingExtractor(specs: FieldSpec[], selectors: StreamingSelector[]): Extractor {
  let s: StreamState;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if ((name === 'a' || name === 'area') && attribs.href !== undefined && follows(attribs)) {
          s.links.push(attribs.href);
        } else if (name === 'base' && s.base === undefined) s.base = attribs.href;
        else if (name === 'meta' && attribs.name?.toLowerCase() === 'robots') {
          s.nofollow ||= /\bnofollow\b|\bnone\b/i.test(attribs.content ?? '');
        }
        if (s.stack.length + s.overflow >= MAX_PARSE_DEPTH) throw tooDeep();
        // Past MAX_NESTING, the middle of the ancestry drops out of sight: selectors see the
        // outermost 256 open elements and up to 256 innermost ones, never more than 512.
        if (s.stack.length >= MAX_NESTING) {
          s.hidden.push(s.stack.splice(MAX_NESTING / 2, 1)[0]!);
          s.overflow++;
        }
        s.stack.push({ name, attribs });
        if (s.pending === 0) return;
        const level = s.stack.length + s.overflow; // its true depth, to find its end tag
        for (let i = 0; i < specs.length; i++) {
          if (s.fields[specs[i]!.name] !== null || s.depth[i] !== -1 || !selectors[i]!(s.stack))
            continue;
          const attr = specs[i]!.attr;
          if (attr === undefined) {
            s.depth[i] = level;
            s.capturing++;
          } else if (attribs[attr] !== undefined) {
            s.fields[specs[i]!.name] = attribs[attr];
            s.pending--;
          }
        }
      },
      ontext(text) {
        if (s.capturing === 0) return;
        for (let i = 0; i < specs.length; i++) if (s.depth[i] !== -1) s.parts[i]!.push(text);
      },
      onclosetag() {
        // htmlparser2 reports every element's end, implied ones too, innermost first.
        if (s.capturing > 0) {
          const level = s.stack.length + s.overflow;
          for (let i = 0; i < specs.length; i++) {
            if (s.depth[i] !== level) continue;
            s.fields[specs[i]!.name] = squash(s.parts[i]!.join(''));
            s.depth[i] = -1;
            s.capturing--;
            s.pending--;
          }
        }
        s.stack.pop();
        // A hidden ancestor comes back only once no inner one is left to stand for the parent
        // of what opens next: siblings deep down cost no shuffling.
        if (s.overflow > 0 && s.stack.length === MAX_NESTING / 2) {
          s.stack.push(s.hidden.pop()!);
          s.overflow--;
        }
      },
    },
    { decodeEntities: true },
  );
  return (html) => {
    const fields: Record<string, string | null> = {};
    for (const spec of specs) fields[spec.name] = null;
    s = {
      stack: [],
      fields,
      depth: specs.map(() => -1),
      parts: specs.map(() => []),
      pending: specs.length,
      capturing: 0,
      links: [],
      base: undefined,
      nofollow: false,
      overflow: 0,
      hidden: [],
    };
    parser.reset();
    parser.end(html);
    const { links, base, nofollow } = s;
    return { fields, links: nofollow ? [] : links, ...(base === undefined ? {} : { base }) };
  };
}

function domExtractor(specs: FieldSpec[]): Extractor {
  return (html) => {
    const handler = new DepthLimitedHandler();
    new Parser(handler).end(html);
    const doc = handler.root;
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
