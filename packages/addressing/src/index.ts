/** @netlab/addressing: everything; apps import a subpath (`@netlab/addressing/endpoint`) to load less. */

export * from './index-address.ts';
export * from './index-connect.ts';
export * from './index-dns.ts';
export * from './index-endpoint.ts';
export * from './index-network.ts';
export * from './index-node-net.ts';
