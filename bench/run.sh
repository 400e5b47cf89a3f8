#!/usr/bin/env bash
# The load benchmark behind docs/benchmarks.md. Loopback only, bounded in time.
#   bench/run.sh [BUILD_DIR]      (make bench)
# Environment: BENCH_SUBJECTS (default 1000000), BENCH_SECONDS per run (default 15),
# BENCH_CONNECTIONS (default "1 8 64"), BENCH_DB (a postgres:// URL; default SQLite),
# BENCH_WARMUP seconds of lookups at 64 connections before the measured runs (default 20;
# 0 for none). A fresh server process takes a page fault the first time it touches each page
# of its memory map of the database; the warm-up's own figure is reported as well.
# BENCH_REPEAT (default 5): how many runs lookups and creates get at 64 connections, the
# targets' setting; each run is reported, then their median. Consecutive runs on this shared
# machine differ by up to ±20 %, so one run says little. Each row also gives the server's CPU
# time per request (user + system, over wrk's count), which moves less than requests/s and
# shows when the machine itself was slower.
# Registrations (with consent events, receipts, a token and an outbox row) run at 64.
set -euo pipefail
build=${1:-build}
subjects=${BENCH_SUBJECTS:-1000000}
seconds=${BENCH_SECONDS:-15}
conns=${BENCH_CONNECTIONS:-1 8 64}
warmup=${BENCH_WARMUP:-20}
repeat=${BENCH_REPEAT:-5}
hz=$(getconf CLK_TCK)
db_args=()
[ -n "${BENCH_DB:-}" ] && db_args=(--db "$BENCH_DB")
data=$(mktemp -d /tmp/konfid-bench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
out=bench/results
mkdir -p "$out"
report="$out/$(date -u +%Y%m%dT%H%M%SZ).md"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

"$build/konfid" init --data "$data" --config examples/konfid.toml "${db_args[@]}" >/dev/null
export KONFID_KEY=$("$build/konfid" apikey create --data "$data" --tenant demo --role admin "${db_args[@]}" | tail -n 1)
echo "seeding $subjects subjects..."
seed_line=$("$build/konfid-bench-seed" --data "$data" --config examples/konfid.toml "${db_args[@]}" --count "$subjects" 2>/dev/null)
echo "$seed_line"

"$build/konfid" serve --data "$data" --config examples/konfid.toml --listen "127.0.0.1:$port" "${db_args[@]}" \
  > "$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

{
  echo "# Konfid load benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; backend: ${BENCH_DB:+PostgreSQL}${BENCH_DB:-SQLite (WAL, durable commits: each synced before it is answered)};"
  echo "database: $subjects subjects before the runs; every read audited; wrk on the same machine."
  echo "Seeding: $seed_line"
  echo
  echo "| scenario | connections | requests/s | p50 | p99 | non-2xx | server CPU/request |"
  echo "|---|---|---|---|---|---|---|"
} > "$report"

run() {  # scenario script connections [seconds]
  local name=$1 script=$2 c=$3 t=2 d=${4:-$seconds}
  [ "$c" -lt 2 ] && t=1
  local res cpu0 cpu1
  cpu0=$(awk '{print $14 + $15}' "/proc/$server/stat")
  res=$(KONFID_SUBJECTS=$subjects KONFID_RUN="${name//[^a-z0-9]/}$c$RANDOM" wrk -t "$t" -c "$c" -d "${d}s" --latency \
        -s "bench/wrk/$script" "http://127.0.0.1:$port")
  cpu1=$(awk '{print $14 + $15}' "/proc/$server/stat")
  local rps p50 p99 bad n cpu
  rps=$(echo "$res" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$res" | awk '$1=="50%" {print $2}')
  p99=$(echo "$res" | awk '$1=="99%" {print $2}')
  bad=$(echo "$res" | awk '/Non-2xx/ {print $5}')
  n=$(echo "$res" | awk '/requests in/ {print $1}')
  cpu=$(( (cpu1 - cpu0) * 1000000 / hz / n ))
  echo "| $name | $c | $rps | $p50 | $p99 | ${bad:-0} | $cpu µs |" | tee -a "$report"
  last_rps=$rps
}

measure() {  # scenario script connections: at 64, the targets' setting, BENCH_REPEAT runs and their median
  local name=$1 script=$2 c=$3 all=() i
  if [ "$c" != 64 ]; then run "$name" "$script" "$c"; return; fi
  for i in $(seq "$repeat"); do
    run "$name (run $i of $repeat)" "$script" "$c"
    all+=("$last_rps")
  done
  local median
  median=$(printf '%s\n' "${all[@]}" | sort -n | awk '{v[NR] = $1} END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "| **$name, median of $repeat runs** | $c | **$median** | | | | |" | tee -a "$report"
}

[ "$warmup" -gt 0 ] && run "lookup-by-email (warm-up, ${warmup} s, fresh server)" lookup.lua 64 "$warmup"
for c in $conns; do measure lookup-by-email lookup.lua "$c"; done
for c in $conns; do measure create create.lua "$c"; done
run registration register.lua 64

peak=$(awk '/VmHWM/ {print $2, $3}' "/proc/$server/status")
anon=$(awk '/RssAnon/ {print $2, $3}' "/proc/$server/status")
file=$(awk '/RssFile/ {print $2, $3}' "/proc/$server/status")
kill -TERM "$server"; wait "$server" || true; server=""
{
  echo
  echo "Server peak resident memory (VmHWM): $peak; at the end: $anon anonymous, $file file-backed"
  echo "(file-backed pages are the database's memory map, shared with the page cache)"
} | tee -a "$report"
echo "report: $report"
