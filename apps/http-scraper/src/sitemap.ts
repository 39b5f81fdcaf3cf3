/** Sitemaps (sitemaps.org 0.9): page URLs from a <urlset>, nested sitemaps from a <sitemapindex>. */
import { gunzipSync } from 'node:zlib';
import { Parser } from 'htmlparser2';

export interface Sitemap {
  urls: string[];
  sitemaps: string[];
}

/** Parses a sitemap (gzip-compressed or not), streaming: no document tree is built. */
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
        if (parent === 'url') result.urls.push(text.trim());
        else if (parent === 'sitemap') result.sitemaps.push(text.trim());
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(data.toString('utf8'));
  return result;
}
