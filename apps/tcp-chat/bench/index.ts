/** `pnpm bench`: fan-out against ngircd, the 10,000-connection scale run, then the Redis cluster. */
import { parseArgs } from 'node:util';
import { clusterBench } from './cluster.ts';
import { fanoutBench } from './fanout.ts';
import { scaleBench } from './scale.ts';

const { values: a } = parseArgs({
  options: {
    rates: {
      type: 'string',
      default:
        process.env.NETLAB_BENCH_RATES ??
        '5000,10000,20000,30000,40000,50000,60000,70000,80000,90000,100000',
    },
    clients: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '3' },
    only: { type: 'string' }, // fanout | scale | cluster
    // Messages per second from all 10,000 clients together: 250/s is one line per client
    // every 40 s; each line reaches the ~100 members of its room.
    'scale-rates': { type: 'string', default: '250,500,1000' },
    'cluster-rates': { type: 'string', default: '10000,20000,30000,40000' },
  },
});

if (a.only === undefined || a.only === 'fanout') {
  await fanoutBench(a.rates.split(',').map(Number), Number(a.clients), Number(a.seconds));
}

if (a.only === undefined || a.only === 'scale') {
  const connections = Number(process.env.NETLAB_BENCH_CONNECTIONS ?? 10_000);
  await scaleBench(connections, 100, a['scale-rates'].split(',').map(Number), Number(a.seconds));
}

if (a.only === undefined || a.only === 'cluster') {
  const rates = a['cluster-rates'].split(',').map(Number);
  await clusterBench(rates, Number(a.clients), Number(a.seconds));
}
