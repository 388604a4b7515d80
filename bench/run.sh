#!/bin/sh
# Raises the open-files limit (each side of every connection holds a descriptor), then runs
# the benchmark with the given flags, e.g. bench/run.sh --n 20000
set -e
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -H -n)"
exec node "$(dirname "$0")/handshake-bench.mjs" "$@"
