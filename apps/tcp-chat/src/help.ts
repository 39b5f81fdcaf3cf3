/** The help texts of every tcp-chat command: imports nothing, so `--help` loads only this. */
import { DEFAULT_PORT } from './defaults.ts';

export const SERVER_HELP = `usage: tcp-chat server [options]

Runs the chat server (plain TCP, or TLS with --tls-cert/--tls-key or --tls-dev).

options:
  --host ADDR           address to listen on (default 127.0.0.1; ::1 for IPv6)
  --port N              port (default ${DEFAULT_PORT}; 0 picks a free one)
  --max-frame BYTES     largest frame a client may send (default 65536)
  --max-connections N   connections at once (default 1000), --max-per-ip N (default 100)
  --ipv6-prefix N       IPv6 clients count per /N for --max-per-ip (default 64, 48..128)
  --allow CIDR          only these may connect (repeatable; default: everyone not denied)
  --deny CIDR           close connections from these at accept (repeatable; wins over --allow)
  --rate N --burst N    messages/s per client and burst (default 20 and 40; 0 = no limit)
  --history N           messages kept per room for replay (default 200)
  --max-rooms N         rooms on the server (default 1000; empty rooms make way for new ones)
  --empty-room-ttl MS   how long an empty room keeps its history for replay (default 60000)
  --max-queue BYTES     outbound bytes held per client before a slow-consumer kick (default 1 MiB)
  --idle-timeout MS     disconnect after this long without a whole frame (default 90000; pings
                        at a third)
  --hello-timeout MS    disconnect a connection that has not said hello by then (default 10000)
  --stats-interval MS   counters line on stderr (default 10000; 0 = off)
  --tls-cert FILE --tls-key FILE   serve TLS with this certificate and key
  --redis URL           share rooms, nicks and history with other servers through Redis
                        (redis://HOST:PORT[/DB]; password from $TCP_CHAT_REDIS_PASSWORD)
  --nick-ttl MS         with --redis: how long a dead server's nicks stay taken (default 15000)
  --tls-dev             make a certificate for 127.0.0.1 in .state/tls-dev and print its fingerprint
  --trace               print every frame in and out
  -h, --help            this help

example:
  tcp-chat server --port 4040 --tls-dev
  tcp-chat server --port 4041 --redis redis://127.0.0.1:6379   # one of several servers
  tcp-chat server --allow 10.0.0.0/8 --allow fd00::/8 --deny 10.6.6.0/24`;

export const CLIENT_HELP = `usage: tcp-chat client [HOST:PORT[,HOST:PORT...]] [options]

Chats with a tcp-chat server (default 127.0.0.1:${DEFAULT_PORT}). Interactive in a terminal;
with stdin from a pipe (or --script) each line is a command and events are printed per line.
Several servers of one cluster (--redis) may be given: a reconnect goes to the next one and
replays what was missed.

options:
  --server HOST:PORT  a server to use (repeatable; same as the comma list)
  --nick NAME      your nick (default $USER)
  --room ROOM      the room you start in and type into (default #lobby, or the first --join;
                   --room '' for none). A terminal joins it at once; a script joins it when
                   its first line of text needs a room (a script that starts with /join does not)
  --join ROOM      join a room first (repeatable)
  --tls            use TLS, verifying the server against the system CAs or --ca FILE
                   (a plain client meeting a TLS server fails with ERR_TLS_REQUIRED)
  --ca FILE        trust this certificate (e.g. a --tls-dev server's cert.pem)
  --insecure       TLS without verification (throwaway tests only)
  --no-reconnect   exit when the connection drops instead of reconnecting
  --script         script mode even on a terminal; --json prints events as JSON lines
  --trace          print every frame in and out
  -h, --help       this help

commands: /join #room, /leave, /msg nick text, /nick name, /who, /rooms, /stats, /quit

examples:
  tcp-chat client --nick ann                  # starts in #lobby
  tcp-chat client --nick ann --room '#rust'
  printf '/join #lobby\\nhello\\n' | tcp-chat client --nick bot --json
  tcp-chat client 127.0.0.1:4040,127.0.0.1:4041 --nick ann   # a two-server cluster`;

export const HELP = `usage: tcp-chat <server|client> [options]   (tcp-chat <command> --help for more)

A chat server and client over TCP: rooms, history with replay, whispers, TLS.

example:
  tcp-chat server &
  tcp-chat client --nick ann             # starts in #lobby (--room for another)

${SERVER_HELP.split('\n')[0]}
${CLIENT_HELP.split('\n')[0]}`;
