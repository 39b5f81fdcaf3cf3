/** The limit: a minimal Node crawler (keep-alive pool, streaming parser, no politeness, no state). */
import fs from 'node:fs';
import { Parser } from 'htmlparser2';
import { Pool } from 'undici';

const [start, outFile, concurrencyText] = process.argv.slice(2);
if (!start || !outFile) throw new Error('usage: minimal.ts <start-url> <out.jsonl> [concurrency]');
const concurrency = Number(concurrencyText ?? 50);
const origin = new URL(start).origin;
const pool = new Pool(origin, { connections: concurrency });
const out = fs.createWriteStream(outFile);
const seen = new Set([start]);
const queue = [start];
let pages = 0;

// h1 and .price text, and every a[href]: the same fields every crawler in the bench extracts.
function parse(html: string) {
  let title = '';
  let price = '';
  let capture: 'title' | 'price' | null = null;
  let depth = 0;
  let captureDepth = 0;
  const links: string[] = [];
  const parser = new Parser({
    onopentag(name, attribs) {
      depth++;
      if (name === 'a' && attribs.href) links.push(attribs.href);
      if (capture === null && name === 'h1' && title === '')
        [capture, captureDepth] = ['title', depth];
      else if (capture === null && price === '' && /\bprice\b/.test(attribs.class ?? '')) {
        [capture, captureDepth] = ['price', depth];
      }
    },
    ontext(text) {
      if (capture === 'title') title += text;
      else if (capture === 'price') price += text;
    },
    onclosetag() {
      if (capture !== null && depth === captureDepth) capture = null;
      depth--;
    },
  });
  parser.end(html);
  return { title: title.trim(), price: price.trim(), links };
}

async function worker(): Promise<void> {
  for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
    const { pathname, search } = new URL(url);
    const res = await pool.request({ path: pathname + search, method: 'GET' });
    if (res.statusCode !== 200) {
      await res.body.dump();
      continue;
    }
    const { title, price, links } = parse(await res.body.text());
    pages++;
    out.write(`${JSON.stringify({ url, title, price })}\n`);
    for (const href of links) {
      const link = new URL(href, url);
      link.hash = '';
      if (link.search === '') link.search = ''; // drops a bare '?' so /p? and /p are one page
      if (link.origin === origin && !seen.has(link.href)) {
        seen.add(link.href);
        queue.push(link.href);
      }
    }
  }
}

// Workers that find the queue empty stop; restart them while others still discover links.
const running = new Set<Promise<void>>();
while (queue.length > 0 || running.size > 0) {
  while (running.size < concurrency && queue.length > 0) {
    const task = worker().finally(() => running.delete(task));
    running.add(task);
  }
  await Promise.race(running);
}
out.end();
await pool.close();
process.stdout.write(`${JSON.stringify({ pages })}\n`);
