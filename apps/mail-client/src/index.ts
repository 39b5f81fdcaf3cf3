/** @netlab/mail-client as a library: the session, commands' building blocks, the relay and the stack. */
export { type ConnectOptions, connect, type MailSession } from './client.ts';
export { type Account, type Config, loadConfig, parseConfig, selectAccount } from './config.ts';
export { type Address, type Envelope, toEnvelope } from './envelope.ts';
export { MailError, type MailErrorCode } from './errors.ts';
export { type Listing, listEnvelopes } from './listing.ts';
export { fetchMessage, type ReadMessage } from './message.ts';
export { type Draft, type SendResult, sendDraft } from './outgoing.ts';
export { createServer, type Relay, type RelayOptions } from './server.ts';
export { createSmtp } from './smtp.ts';
export { type MailStack, stackConfig, startStack } from './stack.ts';
export { type WatchEvent, type WatchOptions, watchFolder } from './watcher.ts';
