/** A tiny command used by main.test.ts to check runMain's exit codes and error lines. */
import { parseCommandLine, runMain, UsageError } from '../src/index.ts';

class DemoError extends Error {
  readonly code = 'ERR_DEMO';
}

runMain(
  async (argv) => {
    const { values } = parseCommandLine({
      args: argv,
      options: {
        fail: { type: 'string' },
        trace: { type: 'boolean' },
        json: { type: 'boolean' },
        exit: { type: 'string' },
      },
      allowPositionals: true,
    });
    if (values.fail === 'usage') throw new UsageError('missing HOST (try --help)');
    if (values.fail === 'coded') {
      throw new DemoError('peer closed after 3 of 8 bytes', { cause: new Error('inner') });
    }
    if (values.fail === 'plain') throw new Error('plain failure');
    if (values.fail === 'listen') {
      // A real EADDRINUSE: listen twice on the same port.
      const { createServer } = await import('node:net');
      const first = createServer().listen(0, '127.0.0.1');
      await new Promise((done) => first.once('listening', done));
      const { port } = first.address() as { port: number };
      const second = createServer().listen(port, '127.0.0.1');
      await new Promise((_, fail) => second.once('error', fail)).finally(() => first.close());
    }
    process.stdout.write('ok\n');
    return values.exit === undefined ? undefined : Number(values.exit);
  },
  { name: 'demo' },
);
