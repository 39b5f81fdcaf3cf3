#!/bin/sh
# Bench launcher: 10,000 connections need ~10,000 descriptors in each of the server and the
# load generator; raise the soft limit as far as the hard limit allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec node --import tsx bench/index.ts "$@"
