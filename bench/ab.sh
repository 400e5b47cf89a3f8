#!/usr/bin/env bash
# A/B of two (or more) konfid binaries on one seeded data directory: lookups (or the wrk
# script named by BENCH_SCRIPT, e.g. register.lua) at 64 connections, alternating binaries
# for three rounds, printing requests/s and the server's CPU per request (steadier than
# requests/s on a shared machine).
#   bench/ab.sh DATA_DIR SUBJECTS BINARY_A BINARY_B ...
# DATA_DIR was made by `konfid init` and `konfid-bench-seed --count SUBJECTS`.
set -euo pipefail
data=$1 subjects=$2
script=${BENCH_SCRIPT:-lookup.lua}
shift 2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key=$("$1" apikey create --data "$data" --tenant demo --role admin | tail -n 1)
for round in 1 2 3; do
  for bin in "$@"; do
    "$bin" serve --data "$data" --config examples/konfid.toml --listen "127.0.0.1:$port" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    a=$(awk '{print $14+$15}' "/proc/$pid/stat")
    out=$(KONFID_KEY=$key KONFID_SUBJECTS=$subjects KONFID_RUN="ab$round$RANDOM" wrk -t 2 -c 64 -d 5s -s "bench/wrk/$script" "http://127.0.0.1:$port")
    b=$(awk '{print $14+$15}' "/proc/$pid/stat")
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    hz=$(getconf CLK_TCK)
    echo "round $round $bin: $(echo "$out" | awk '/Requests\/sec/ {print $2}') req/s, $(( (b - a) * 1000000000 / hz / n )) ns server CPU/request"
    kill -TERM "$pid"; wait "$pid" || true
  done
done
