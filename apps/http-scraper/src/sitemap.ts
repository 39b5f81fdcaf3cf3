/** Sitemaps (sitemaps.org 0.9): page URLs from a <urlset>, nested sitemaps from a <sitemapindex>. */
import { gunzipSync } from 'node:zlib';
import { Parser } from 'htmlparser2';
import { CrawlError } from './errors.ts';

/** sitemaps.org: a sitemap file lists at most 50,000 URLs; the rest of a longer one is ignored. */
export const MAX_SITEMAP_URLS = 50_000;
/** Nesting a sitemap never needs (urlset/url/loc, plus extensions such as image:image/loc). */
const MAX_DEPTH = 32;

export interface Sitemap {
  urls: string[];
  sitemaps: string[];
}

/**
 * Parses a sitemap (gzip-compressed or not), streaming: no document tree is built.
 * @throws {CrawlError} ERR_SITEMAP for elements nested past MAX_DEPTH: htmlparser2's cost per
 * level grows with the depth, and a 5 MiB file of nested tags would take hours.
 */
export function parseSitemap(body: Buffer): Sitemap {
  // A .xml.gz sitemap is often served as application/gzip with no Content-Encoding.
  const data =
    body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body, { maxOutputLength: 64 << 20 }) : body;
  const result: Sitemap = { urls: [], sitemaps: [] };
  const path: string[] = [];
  let text = '';
  const parser = new Parser(
    {
      onopentag(name) {
        if (path.length >= MAX_DEPTH)
          throw new CrawlError('ERR_SITEMAP', `sitemap elements nested past ${MAX_DEPTH}`);
        path.push(name.toLowerCase().replace(/^.*:/, ''));
        text = '';
      },
      ontext(chunk) {
        text += chunk;
      },
      onclosetag() {
        const name = path.pop();
        if (name !== 'loc') return;
        const parent = path[path.length - 1];
        const list =
          parent === 'url' ? result.urls : parent === 'sitemap' ? result.sitemaps : undefined;
        if (list !== undefined && list.length < MAX_SITEMAP_URLS) list.push(text.trim());
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(data.toString('utf8'));
  return result;
}
