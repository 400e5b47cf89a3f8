#!/usr/bin/env bash
# The retention job's pass over a seeded population (docs/benchmarks.md, 2026-12-03): each
# round triggers one pass (POST /v1/jobs/retention/run) on a running server and times it,
# then prints subjects per second, and the median of the rounds. Loopback only.
#   bench/retention.sh DATA_DIR [BUILD_DIR]
# DATA_DIR was made by `konfid init` and `konfid-bench-seed --count N`. Subjects seeded just
# now have nothing due: a pass reads every subject, its consent ledger and its contracts'
# ends, makes its plan and destroys nothing (the daily case). Seeded with `--age-days 30`,
# every subject's birth_date is due: the first pass destroys one field of each (one write and
# one audit event a subject), and the next ones find nothing. Each round prints its report.
# Environment: RET_ROUNDS (default 3).
set -euo pipefail
data=$1 build=${2:-build}
rounds=${RET_ROUNDS:-3}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key=$("$build/konfid" apikey create --data "$data" --tenant demo --role admin | tail -n 1)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null' EXIT
"$build/konfid" serve --data "$data" --config examples/konfid.toml --listen "127.0.0.1:$port" \
  >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
rates=()
for round in $(seq "$rounds"); do
  start=$(date +%s.%N)
  report=$(curl -sf -X POST -H "Authorization: Bearer $key" \
    "http://127.0.0.1:$port/v1/jobs/retention/run")
  end=$(date +%s.%N)
  subjects=$(sed -n 's/.*"subjects":\([0-9]*\).*/\1/p' <<<"$report")
  rate=$(awk -v n="$subjects" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')
  rates+=("$rate")
  awk -v r="$round" -v a="$start" -v b="$end" -v rep="$report" -v rate="$rate" \
    'BEGIN {printf "round %d: %.1f s, %s subjects/s  %s\n", r, b - a, rate, rep}'
done
printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR] = $1} END {print "median: " a[int((NR + 1) / 2)] " subjects/s"}'
