/** Imports one specifier in this fresh process and prints, as JSON, which src files and node: built-ins that loaded. */
import { once } from 'node:events';
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

/** What this script prints, one JSON line on stdout. */
export interface LoadReport {
  /** The package's own src files the import loaded (`endpoint.ts`), sorted. */
  files: string[];
  /**
   * Node built-ins the import loaded that no ESM import in this process had loaded before
   * (`dns/promises`), sorted; tsx has already imported a few, such as `net` and `os`.
   */
  builtins: string[];
  /** The names the module exports, sorted. */
  exports: string[];
  /** Milliseconds the import took (with the recording hook in the way; compare, don't quote). */
  ms: number;
}

const specifier = process.argv[2];
if (!specifier) throw new Error('usage: node --import tsx test/load-probe.ts <specifier>');

// Documented API (node:module "Customization hooks"): our load hook runs before tsx's and
// sees every module URL; it reports them back over the port handed to its initialize().
const { port1, port2 } = new MessageChannel();
register('./record-loads.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

const start = performance.now();
const module: object = await import(specifier);
const ms = performance.now() - start;
port1.postMessage('report');
const [urls] = (await once(port1, 'message')) as [string[]];
port1.close();
const src = new URL('../src/', import.meta.url).href;
const files = urls.filter((url) => url.startsWith(src)).map((url) => url.slice(src.length));
// Built-ins pass through the load hook too, as `node:` URLs, the first time anything imports one.
const builtins = urls.filter((url) => url.startsWith('node:')).map((url) => url.slice(5));
const report: LoadReport = {
  files: [...new Set(files)].sort(),
  builtins: [...new Set(builtins)].sort(),
  exports: Object.keys(module).sort(),
  ms,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
