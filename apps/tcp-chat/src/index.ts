/** @netlab/tcp-chat as a library: the server, the client and the protocol they speak. */
export { type ChatClient, type ClientOptions, connect } from './client.ts';
export { ChatError, type ChatErrorCode } from './errors.ts';
export {
  type ChatLine,
  type ClientMessage,
  chat,
  DEFAULT_PORT,
  type Message,
  PROTOCOL_VERSION,
  type ServerMessage,
} from './protocol.ts';
export { type ChatServer, createServer, type ServerOptions } from './server.ts';
export { type DevCert, devCertificate } from './tls-dev.ts';
