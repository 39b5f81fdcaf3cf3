/** Bench preload: ssh2 runs as a fresh install leaves it, without its optional native crypto and cpu-features builds. */
// An install leaves ssh2's binding (sshcrypto.node) and cpu-features (cpufeatures.node)
// unbuilt (pnpm-workspace.yaml), and ssh2 then runs on Node's own crypto. A node_modules
// installed before that choice may still hold the built files; ssh2 loads each inside a
// try/catch, so refusing them here gives the figures of a fresh install. Loaded with
// `--import` into the bench process and, through NODE_OPTIONS, into every Node process it
// starts. Node's require() loads a `.node` file through process.dlopen (documented).
import { basename } from 'node:path';
import process from 'node:process';

const HIDDEN = new Set(['sshcrypto.node', 'cpufeatures.node']);
/** The builds this process was asked to load and refused. */
export const refused = new Set();
const dlopen = process.dlopen;
process.dlopen = function refuseOptionalBuilds(module, filename, ...flags) {
  if (HIDDEN.has(basename(String(filename)))) {
    refused.add(basename(String(filename)));
    throw Object.assign(new Error(`${filename}: left out, as by a fresh install`), {
      code: 'ERR_DLOPEN_FAILED',
    });
  }
  return dlopen.call(this, module, filename, ...flags);
};
