/** `pnpm bench`: fan-out against ngircd, then the 10,000-connection scale run. */
import { parseArgs } from 'node:util';
import { fanoutBench } from './fanout.ts';
import { scaleBench } from './scale.ts';

const { values: a } = parseArgs({
  options: {
    rates: { type: 'string', default: process.env.NETLAB_BENCH_RATES ?? '5000,10000,20000,30000' },
    clients: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '3' },
    only: { type: 'string' }, // fanout | scale
  },
});

if (a.only !== 'scale') {
  await fanoutBench(a.rates.split(',').map(Number), Number(a.clients), Number(a.seconds));
}

if (a.only !== 'fanout') {
  const connections = Number(process.env.NETLAB_BENCH_CONNECTIONS ?? 10_000);
  await scaleBench(connections, 100, 1000, Number(a.seconds));
}
