/* Preloaded into Etsy's StatsD (node --require) so its UDP socket asks for the same receive
 * buffer as our collector: StatsD 0.9 has no setting for it. Nothing else is changed. */
const dgram = require('node:dgram');
const size = Number(process.env.BENCH_RCVBUF || 8 * 1024 * 1024);
const createSocket = dgram.createSocket;
dgram.createSocket = function (type, listener) {
  const options = typeof type === 'string' ? { type } : { ...type };
  options.recvBufferSize = size;
  const socket = createSocket.call(this, options, listener);
  socket.once('listening', () => process.stderr.write(`rcvbuf ${socket.getRecvBufferSize()}\n`));
  return socket;
};
