/* Load generator for bench/ingest.ts: StatsD datagrams at a paced rate (or flat out) with sendmmsg.
 * Written in C so that the sender costs well under a microsecond per datagram and the receiver
 * under test, not the generator, is the limit. Same line mix as bench/loadgen.ts.
 * Usage: loadgen PORT RATE DURATION_S PER   (RATE 0 = as fast as possible)
 * Prints one JSON line: sent, errors, elapsed, rate, metrics, cpu. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define POOL 4096
#define BATCH 64

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The i-th line of the mix: counters (some tagged and sampled), timers, gauges, histograms, sets. */
static int line(char *out, size_t room, long i) {
  long n = i % 200;
  switch (i % 6) {
  case 0: return snprintf(out, room, "app.requests.%ld:1|c", n);
  case 1: return snprintf(out, room, "app.latency.%ld:%ld|ms", n % 50, (i * 7) % 1000);
  case 2: return snprintf(out, room, "app.queue.%ld:%ld|g", n % 20, i % 100);
  case 3: return snprintf(out, room, "app.requests.%ld:1|c|@0.5|#env:prod,route:r%ld", n, n % 10);
  case 4: return snprintf(out, room, "app.payload.%ld:%ld|h|#env:prod", n % 20, (i * 13) % 5000);
  default: return snprintf(out, room, "app.users.%ld:u%ld|s", n % 10, i % 5000);
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: loadgen PORT RATE DURATION_S PER\n");
    return 2;
  }
  int port = atoi(argv[1]);
  double rate = atof(argv[2]), duration = atof(argv[3]);
  int per = atoi(argv[4]);
  static char pool[POOL][1500];
  static struct iovec iov[POOL];
  for (long d = 0; d < POOL; d++) {
    int len = 0;
    for (int k = 0; k < per; k++) {
      if (k > 0) pool[d][len++] = '\n';
      len += line(pool[d] + len, sizeof pool[d] - len, d * per + k);
    }
    iov[d].iov_base = pool[d];
    iov[d].iov_len = len;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
    perror("connect");
    return 1;
  }
  int sndbuf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  struct mmsghdr msgs[BATCH];
  long sent = 0, errors = 0;
  double start = now(), t;
  while ((t = now() - start) < duration) {
    long due = rate > 0 ? (long)(t * rate) - sent : BATCH;
    if (due <= 0) {
      struct timespec pause = {0, 20000}; /* 20 us: fine pacing, bursts stay small */
      nanosleep(&pause, NULL);
      continue;
    }
    if (due > BATCH) due = BATCH;
    for (int i = 0; i < due; i++) {
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[(sent + i) % POOL];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = sendmmsg(fd, msgs, due, 0);
    if (n < 0) {
      errors++; /* ECONNREFUSED from an ICMP error: the datagram was not sent */
      continue;
    }
    sent += n;
  }
  double elapsed = now() - start;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("{\"sent\":%ld,\"errors\":%ld,\"elapsed\":%.4f,\"rate\":%.1f,\"metrics\":%ld,\"cpu\":%.3f}\n", sent, errors,
         elapsed, sent / elapsed, sent * per, cpu / elapsed);
  close(fd);
  return 0;
}
