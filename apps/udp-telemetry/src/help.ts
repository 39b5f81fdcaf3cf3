/** Every command's --help text; imports only plain numbers, so `--help` loads nothing else. */
import { DEFAULT_HTTP_PORT, DEFAULT_MTU, DEFAULT_PORT } from './defaults.ts';

export const COLLECTOR_HELP = `Usage: telemetry collector [options]

Receives StatsD/DogStatsD lines and udp-telemetry MessagePack datagrams over UDP, aggregates
them per interval, counts loss per source, and serves /metrics, /api/metrics and /healthz.

Options:
  --host HOST          UDP address to listen on (default 127.0.0.1; ::1 for IPv6)
  --port PORT          UDP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --http HOST:PORT     HTTP address (default 127.0.0.1:${DEFAULT_HTTP_PORT}); 'off' for none
  --interval DURATION  flush interval (default 10s)
  --expire N           forget series idle for N intervals (default 6)
  --rcvbuf SIZE        SO_RCVBUF to ask for (default 8MiB)
  --queue N            datagrams queued for parsing before new ones are dropped (default 65536)
  --max-bytes SIZE     byte budget of all series: names, tags, set members, sketches
                       (default 64MiB); new series and members beyond it are refused, counted
  --max-sources N      sources tracked for loss accounting (default 10000)
  --forward HOST:PORT  send each flush's aggregates to another StatsD
  --allow-from CIDR    take datagrams only from this network or address (repeatable; IPv4
                       or IPv6, an address alone is a /32 or /128); others are dropped,
                       counted and logged. Default: from any sender that can reach --host,
                       which is loopback only unless --host says otherwise
  --top N              metric rows printed per flush (default 20)
  --json               print each flush as one JSON line
  --trace              print each datagram decoded
  -h, --help           show this help

Example:
  telemetry collector --port 8125 --interval 5s --forward 127.0.0.1:8126
  telemetry collector --host 0.0.0.0 --allow-from 10.1.0.0/16 --allow-from 192.0.2.7
  echo 'api.requests:1|c|#env:prod' | nc -u -w1 127.0.0.1 8125`;

export const AGENT_HELP = `Usage: telemetry agent [options]

Samples host metrics (CPU %, load, memory, network bytes from /proc/net/dev, event-loop lag)
every interval and sends them over UDP, batched into datagrams within an MTU budget.

Options:
  --host HOST          collector address (default 127.0.0.1; ::1 for IPv6)
  --port PORT          collector UDP port (default ${DEFAULT_PORT})
  --format FORMAT      msgpack (default: source id + sequence number, loss is counted)
                       or statsd (DogStatsD text any StatsD server reads)
  --interval DURATION  sampling interval (default 10s)
  --count N            stop after N samples (default: run until Ctrl-C)
  --mtu BYTES          payload budget per datagram (default ${DEFAULT_MTU})
  --prefix TEXT        metric name prefix (default host.)
  --source ID          source id (default hostname/pid/random)
  --json               print each interval's send totals as one JSON line
  --trace              print each datagram sent
  -h, --help           show this help

Example:
  telemetry agent --interval 1s --count 5 --format statsd --port 8125`;

export const TOP_HELP = `Usage: telemetry top [options]

Shows a running collector's busiest metrics of the last interval and the loss per source,
redrawn every refresh (on a terminal; elsewhere each frame is printed in turn).

Options:
  --http HOST:PORT     the collector's HTTP address (default 127.0.0.1:${DEFAULT_HTTP_PORT})
  --refresh DURATION   time between frames (default 1s)
  --count N            stop after N frames (default: run until Ctrl-C)
  --limit N            metric rows shown (default 20)
  --json               print each frame's data as one JSON line
  -h, --help           show this help

Example:
  telemetry top --http 127.0.0.1:9102 --count 1`;

export const DEMO_HELP = `Usage: telemetry demo

Starts a collector on free loopback ports, sends host and custom metrics from an agent
(MessagePack) and a StatsD-text agent, prints the aggregate and checks it. Exits 0 when
every number is right.

Example:
  pnpm --filter udp-telemetry demo`;

export const MAIN_HELP = `Usage: telemetry <command> [options]

A metrics agent and a StatsD-compatible collector over UDP that counts every lost datagram.

Commands:
  collector   receive, aggregate and serve metrics (UDP 127.0.0.1:8125, HTTP 127.0.0.1:9102)
  agent       sample this host and send the metrics to a collector
  top         live view of a collector's busiest metrics and loss per source
  demo        run a collector and agents together for a few seconds and check the result

Run 'telemetry <command> --help' for its options.

Example:
  telemetry collector --interval 5s &
  telemetry agent --interval 1s --count 10
  telemetry top --count 1

${COLLECTOR_HELP.split('\n')[0]}
${AGENT_HELP.split('\n')[0]}
${TOP_HELP.split('\n')[0]}`;
