#!/usr/bin/env bash
# A/B of two (or more) konfid binaries on one seeded data directory: lookups (or the wrk
# script named by BENCH_SCRIPT, e.g. create.lua) at 64 connections, alternating binaries
# round by round, printing requests/s, the server's CPU per request (steadier than requests/s
# on a shared machine) and the disk writes per second that the data directory's block device
# completed (from /proc/diskstats; the whole device, so other writers count too).
#   bench/ab.sh DATA_DIR SUBJECTS BINARY_A BINARY_B ...
# DATA_DIR was made by `konfid init` and `konfid-bench-seed --count SUBJECTS`. A binary given
# as BINARY@DIR serves DIR instead: for a binary that cannot open DATA_DIR's schema (an older
# konfid refuses a database migrated past what it knows), seeded alike by its own tools; a
# DIR/konfid.toml, when there is one, is its service config instead of examples/konfid.toml.
# Environment: AB_ROUNDS (default 3), AB_SECONDS per measured run (default 5), AB_WARMUP
# seconds of the same load on each fresh server before it is measured (default 0).
set -euo pipefail
data=$1 subjects=$2
script=${BENCH_SCRIPT:-lookup.lua}
rounds=${AB_ROUNDS:-3} seconds=${AB_SECONDS:-5} warmup=${AB_WARMUP:-0}
shift 2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
declare -A keys
for arg in "$@"; do
  bin=${arg%%@*} dir=$data
  [ "$bin" != "$arg" ] && dir=${arg#*@}
  keys[$arg]=$("$bin" apikey create --data "$dir" --tenant demo --role admin | tail -n 1)
done
hz=$(getconf CLK_TCK)
# The block device under DATA_DIR, as /proc/diskstats names it (a partition's parent is fine).
dev=$(basename "$(readlink -f "/sys/dev/block/$(mountpoint -d "$(df --output=target "$data" | tail -n 1)")")")
writes() { awk -v d="$dev" '$3 == d {print $8}' /proc/diskstats; }
load() {  # seconds key
  KONFID_KEY=$2 KONFID_SUBJECTS=$subjects KONFID_RUN="ab$RANDOM$RANDOM" \
    wrk -t 2 -c 64 -d "$1s" -s "bench/wrk/$script" "http://127.0.0.1:$port"
}
for round in $(seq "$rounds"); do
  for arg in "$@"; do
    bin=${arg%%@*} dir=$data
    [ "$bin" != "$arg" ] && dir=${arg#*@}
    config=examples/konfid.toml
    [ -f "$dir/konfid.toml" ] && config=$dir/konfid.toml
    "$bin" serve --data "$dir" --config "$config" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    [ "$warmup" -gt 0 ] && load "$warmup" "${keys[$arg]}" >/dev/null
    a=$(awk '{print $14+$15}' "/proc/$pid/stat") w0=$(writes)
    out=$(load "$seconds" "${keys[$arg]}")
    b=$(awk '{print $14+$15}' "/proc/$pid/stat") w1=$(writes)
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "round $round $arg: $(echo "$out" | awk '/Requests\/sec/ {print $2}') req/s," \
      "$(( (b - a) * 1000000000 / hz / n )) ns server CPU/request, $(( (w1 - w0) / seconds )) disk writes/s"
    kill -TERM "$pid"; wait "$pid" || true
  done
done
