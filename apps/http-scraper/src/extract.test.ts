/** Extraction: the streaming matcher agrees with css-select on a DOM, for any tree and selector. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExtractor } from './extract.ts';
import { parseFieldSpec } from './field.ts';
import { renderMalformed, renderPage, resolveSite } from './fixture/site.ts';
import { compileStreaming } from './selector.ts';

const TAGS = ['div', 'p', 'span', 'section', 'ul', 'li', 'a'];

interface Node {
  tag: string;
  cls: string[];
  id?: string;
  data?: string;
  text: string;
  children: Node[];
}

const node: fc.Memo<Node> = fc.memo((depth) =>
  fc.record({
    tag: fc.constantFrom(...TAGS),
    cls: fc.subarray(['a', 'b', 'c']),
    id: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
    data: fc.option(fc.constantFrom('1', '2', 'one-two'), { nil: undefined }),
    text: fc.constantFrom('', 'alpha', ' beta ', 'g&amp;h'),
    children: depth <= 1 ? fc.constant([]) : fc.array(node(depth - 1), { maxLength: 3 }),
  }),
);

function html(n: Node): string {
  const attrs = [
    n.cls.length ? ` class="${n.cls.join(' ')}"` : '',
    n.id ? ` id="${n.id}"` : '',
    n.data ? ` data-k="${n.data}"` : '',
    n.tag === 'a' ? ` href="/l/${n.cls.join('')}"` : '',
  ].join('');
  return `<${n.tag}${attrs}>${n.text}${n.children.map(html).join('')}</${n.tag}>`;
}

const compound = fc
  .tuple(
    fc.option(fc.constantFrom(...TAGS, '*'), { nil: '' }),
    fc.option(
      fc.constantFrom(
        '.a',
        '.b',
        '#x',
        '[data-k]',
        '[data-k="2"]',
        '[data-k|=one]',
        '[class^=a]',
        '[class~=c]',
        '[data-k$=o]',
        '[data-k*=ne]',
      ),
      { nil: '' },
    ),
  )
  .map(([tag, rest]) => tag + rest || '*');
const selector = fc
  .array(fc.tuple(compound, fc.constantFrom(' ', ' > ')), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map(([c, comb], i) => (i === 0 ? c : comb + c)).join(''));

describe('extraction', () => {
  it('streaming and DOM extraction agree on random trees and selectors', () => {
    let found = 0;
    fc.assert(
      fc.property(
        fc.array(node(4), { minLength: 1, maxLength: 4 }),
        selector,
        fc.boolean(),
        (trees, css, attr) => {
          const spec = parseFieldSpec(`f=${css}${attr ? '@data-k' : ''}`);
          expect(compileStreaming(spec.css)).not.toBeNull();
          const page = `<html><body>${trees.map(html).join('')}</body></html>`;
          const streamed = createExtractor([spec])(page);
          expect(streamed).toEqual(createExtractor([spec], 'dom')(page));
          if (streamed.fields.f !== null) found++;
        },
      ),
      { numRuns: 500 },
    );
    expect(found).toBeGreaterThan(100); // the selectors really do match things
  });

  it('agrees with the DOM deep down too, past the 512 open elements selectors see', () => {
    fc.assert(
      fc.property(
        fc.array(node(4), { minLength: 1, maxLength: 4 }),
        selector,
        fc.constantFrom(300, 700, 1500),
        (trees, css, depth) => {
          const spec = parseFieldSpec(`f=${css}`);
          const deep = `${'<section>'.repeat(depth)}${trees.map(html).join('')}${'</section>'.repeat(depth)}`;
          const page = `<html><body>${deep}</body></html>`;
          expect(createExtractor([spec])(page)).toEqual(createExtractor([spec], 'dom')(page));
        },
      ),
      { numRuns: 150 },
    );
    // 150 pages up to 1,500 deep through a DOM and selectors: CPU-bound, seconds on an idle
    // core but past the suite's 30 s when turbo runs every package's tests beside it.
  }, 120_000);

  it('extracts fields and links from a catalogue page, skipping rel=nofollow', () => {
    const specs = ['title=h1', 'price=.price', 'sku=p.meta > span[data-sku]@data-sku'].map(
      parseFieldSpec,
    );
    const out = createExtractor(specs)(renderPage(7, resolveSite()));
    expect(out.fields).toEqual({ title: 'Product 7', price: '$259.99', sku: 'SKU-7' });
    expect(out.links).toContain('/page/8');
    expect(out.links).not.toContain('/private/7');
  });

  it('reads malformed markup as a browser would', () => {
    const out = createExtractor(['title=h1', 'price=.price'].map(parseFieldSpec))(
      renderMalformed(),
    );
    expect(out.fields).toEqual({ title: 'Still parsed', price: '$1.00' });
    expect(out.links).toEqual(['/page/3', '/page/4']);
  });

  it('honours <base href> and <meta name=robots content=nofollow>', () => {
    const ex = createExtractor([parseFieldSpec('t=title')]);
    expect(ex('<base href="/sub/"><a href="x">x</a>')).toMatchObject({
      base: '/sub/',
      links: ['x'],
    });
    expect(ex('<meta name="ROBOTS" content="noindex, nofollow"><a href="x">x</a>').links).toEqual(
      [],
    );
  });

  it('falls back to a DOM for selectors that need siblings or pseudo-classes', () => {
    expect(compileStreaming('li:first-child')).toBeNull();
    expect(compileStreaming('h1 + p')).toBeNull();
    const out = createExtractor([parseFieldSpec('second=li:nth-child(2) a@href')])(
      renderPage(7, resolveSite()),
    );
    expect(out.fields.second).toBe('/page/15');
  });

  it('rejects bad field specs with ERR_BAD_SELECTOR', () => {
    for (const bad of ['nameonly', '=h1', 'x=', 'x=h1[', '1x=h1']) {
      expect(() => parseFieldSpec(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_BAD_SELECTOR' }),
      );
    }
  });

  it('reads pages nested past 512 as the DOM does, and refuses them past 4,096', () => {
    const specs = ['h=h1', 'b=div > h1 b', 'title=title'].map(parseFieldSpec);
    const page = (n: number): string =>
      `<title>t</title>${'<div>'.repeat(n)}<h1>De<b>e</b>p</h1><a href="/x">x</a>${'</div>'.repeat(n)}<p>after</p>`;
    for (const mode of ['auto', 'dom'] as const) {
      const extract = createExtractor(specs, mode);
      expect(extract(page(3000))).toMatchObject({
        fields: { h: 'Deep', b: 'e', title: 't' },
        links: ['/x'],
      });
      expect(() => extract(page(5000))).toThrow(
        expect.objectContaining({ code: 'ERR_HTML_TOO_DEEP' }),
      );
    }
  });
});
