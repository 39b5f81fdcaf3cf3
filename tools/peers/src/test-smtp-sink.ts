/** Test helper: an SMTP server that accepts everything, standing in for a relay's far end. */
import { createServer, type Server } from 'node:net';

/** A minimal SMTP sink that accepts everything and records the lines it receives. */
export function startSmtpSink(received: string[]): Promise<Server> {
  const server = createServer((socket) => {
    let inData = false;
    let buffer = '';
    socket.on('error', () => {});
    socket.write('220 sink.netlab.test ESMTP\r\n');
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        received.push(line);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 queued\r\n');
          }
        } else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else if (/^EHLO/i.test(line)) socket.write('250-sink.netlab.test\r\n250 8BITMIME\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
