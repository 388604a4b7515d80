#!/bin/sh
# Raises the open-files limit (each side of every connection holds a descriptor), then runs a
# benchmark with the given flags. The first argument may name it (default: handshake):
#   bench/run.sh --n 20000            handshake-bench.mjs
#   bench/run.sh fanout --n 5000      fanout-bench.mjs
#   bench/run.sh churn                churn-bench.mjs
#   bench/run.sh react                react-bench.mjs
#   bench/run.sh parse                parse-bench.mjs
set -e
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -H -n)"
bench=handshake
case "$1" in
  handshake | fanout | churn | react | parse) bench=$1; shift ;;
esac
exec node "$(dirname "$0")/$bench-bench.mjs" "$@"
