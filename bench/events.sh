#!/usr/bin/env bash
# Technical events ingested per second (docs/events.md): POST /v1/events at 64 connections,
# necessary events (an insert) and analytics page views of visitors with a cookie choice (a
# choice lookup and an insert), each run BENCH_REPEAT times for BENCH_SECONDS; the median of
# requests/s, the server's CPU per event, and the rows the table holds at the end.
#   bench/events.sh [BUILD_DIR]
# Environment: BENCH_SECONDS (default 10), BENCH_REPEAT (default 5), BENCH_VISITORS (default
# 1000), BENCH_DB (a postgres:// URL; default SQLite).
set -euo pipefail
build=${1:-build}
seconds=${BENCH_SECONDS:-10} repeat=${BENCH_REPEAT:-5} visitors=${BENCH_VISITORS:-1000}
hz=$(getconf CLK_TCK)
db_args=()
[ -n "${BENCH_DB:-}" ] && db_args=(--db "$BENCH_DB")
data=$(mktemp -d /tmp/konfid-events-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

# The example's config, with no per-client budget: every request comes from 127.0.0.1.
cp examples/policy.toml "$data/policy.toml"
sed 's/^threads = 0 .*/&\nevents_per_minute = 0/' examples/konfid.toml > "$data/konfid.toml"
"$build/konfid" init --data "$data" --config "$data/konfid.toml" "${db_args[@]}" >/dev/null
"$build/konfid" serve --data "$data" --config "$data/konfid.toml" --listen "127.0.0.1:$port" \
  "${db_args[@]}" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
for i in $(seq "$visitors"); do
  printf '{"tenant":"demo","kind":"cookie_choice","visitor":"benchvisitor%06d","categories":{"analytics":true}}' "$i"
  echo
done | while read -r body; do
  curl -sf -o /dev/null -H 'Content-Type: text/plain' -d "$body" "http://127.0.0.1:$port/v1/events"
done
echo "$visitors visitors chose analytics"
for kind in necessary analytics; do
  rates=()
  for r in $(seq "$repeat"); do
    a=$(awk '{print $14+$15}' "/proc/$server/stat")
    out=$(KONFID_EVENTS=$kind KONFID_VISITORS=$visitors \
      wrk -t 2 -c 64 -d "${seconds}s" -s bench/wrk/events.lua "http://127.0.0.1:$port")
    b=$(awk '{print $14+$15}' "/proc/$server/stat")
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    rates+=("$rate")
    echo "$kind run $r: $rate events/s, $(( (b - a) * 1000000000 / hz / n )) ns server CPU/event${bad:+, $bad non-2xx}"
  done
  echo "$kind median: $(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') events/s"
done
kill -TERM "$server"; wait "$server" || true; server=""
if [ -z "${BENCH_DB:-}" ]; then
  echo "rows: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from tech_events').fetchone()[0])" "$data/konfid.db")," \
    "database $(du -sh "$data" | cut -f1)"
fi
