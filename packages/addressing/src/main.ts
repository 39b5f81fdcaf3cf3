/** netlab-ip command line: `pnpm --filter @netlab/addressing ip -- 192.168.0.186/24`. */
import { runMain } from '@netlab/cli';
import { main } from './cli.ts';

await runMain(
  (argv) =>
    main(argv, {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    }),
  { name: 'netlab-ip' },
);
