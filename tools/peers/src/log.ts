/** Opt-in diagnostics: NODE_DEBUG=peers (util.debuglog), or the CLI's --trace. */
import { debuglog, format } from 'node:util';

const nodeDebug = debuglog('peers');
let tracing = false;

/** Turn the daemons' log lines on for this process (the CLI's --trace). */
export function setTrace(on: boolean): void {
  tracing = on;
}

/** printf-style line to stderr, only when NODE_DEBUG=peers or --trace asked for it. */
export function debug(template: string, ...args: unknown[]): void {
  if (nodeDebug.enabled) nodeDebug(template, ...args);
  else if (tracing) process.stderr.write(`peers: ${format(template, ...args)}\n`);
}
