/** Module customization hooks (node:module register) that record the URL of every module loaded. */

/** @type {string[]} */
const loaded = [];

/**
 * Runs once in the hooks thread; `data.port` answers each message with the URLs seen so far.
 * Messages on one port arrive in order, so the answer holds every load that finished before
 * the question was asked.
 * @param {{ port: import('node:worker_threads').MessagePort }} data
 */
export function initialize({ port }) {
  port.on('message', () => port.postMessage([...loaded]));
  port.unref();
}

/**
 * Records the URL, then hands over to the next hook in the chain (tsx, then Node).
 * @param {string} url
 * @param {object} context
 * @param {Function} nextLoad
 */
export async function load(url, context, nextLoad) {
  loaded.push(url);
  return nextLoad(url, context);
}
