/** Crawlee's CheerioCrawler on the bench site: same fields, robots.txt on, in-memory storage. */
import fs from 'node:fs';
import { CheerioCrawler, Configuration } from '@crawlee/cheerio';

const [start, outFile, concurrencyText] = process.argv.slice(2);
if (!start || !outFile) throw new Error('usage: crawlee.ts <start-url> <out.jsonl> [concurrency]');
const concurrency = Number(concurrencyText ?? 50);
const out = fs.createWriteStream(outFile);
let pages = 0;

// persistStorage: false keeps the request queue in memory: Crawlee's fastest setting.
const config = new Configuration({ persistStorage: false, purgeOnStart: true });
const crawler = new CheerioCrawler(
  {
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    respectRobotsTxtFile: true,
    maxRequestRetries: 3,
    async requestHandler({ request, $, enqueueLinks }) {
      pages++;
      const title = $('h1').first().text().trim();
      const price = $('.price').first().text().trim();
      out.write(`${JSON.stringify({ url: request.url, title, price })}\n`);
      await enqueueLinks();
    },
  },
  config,
);
await crawler.run([start]);
out.end();
process.stdout.write(`${JSON.stringify({ pages })}\n`);
