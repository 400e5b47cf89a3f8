#!/usr/bin/env bash
# The data-subject requests' read paths under load (docs/benchmarks.md, 2026-12-02): the access
# reply (JSON and HTML) at 1 and 8 connections, and the staff queue (first page, a deep page,
# overdue, kind and state) at 1, over loopback. Loopback only, bounded in time.
#   bench/requests.sh DATA_DIR [BUILD_DIR]
# DATA_DIR was made by `konfid init`, `konfid-bench-seed --count N`, one start of
# `konfid serve` (which stores the policy's first version and its texts: the seeded consents
# are signed over them) and `konfid-bench-seed --count 0 --population N --requests M --ids
# DATA_DIR/ids.txt`. SQLite only (the deep page's id comes from sqlite3).
# Environment: REQ_ROUNDS (default 3): rounds, each running every scenario once, in turn, so
# the machine's drift falls on all alike; REQ_SECONDS per run (default 10); REQ_WARMUP seconds
# of access replies at 8 connections on the fresh server (default 10). Each run prints
# requests/s, p50, p99 and the server's CPU per request; then the medians of the rounds.
set -euo pipefail
data=$1 build=${2:-build}
rounds=${REQ_ROUNDS:-3} seconds=${REQ_SECONDS:-10} warmup=${REQ_WARMUP:-10}
hz=$(getconf CLK_TCK)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export KONFID_KEY KONFID_IDS=$data/ids.txt
KONFID_KEY=$("$build/konfid" apikey create --data "$data" --tenant demo --role admin | tail -n 1)
deep=$(sqlite3 "file:$data/konfid.db?mode=ro" \
  "SELECT request_id FROM requests WHERE tenant_id = 'demo' ORDER BY request_id DESC LIMIT 1 OFFSET 100")
server=""
results=$(mktemp /tmp/konfid-req-XXXXXX)
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -f "$results"; }
trap cleanup EXIT
"$build/konfid" serve --data "$data" --config examples/konfid.toml --listen "127.0.0.1:$port" \
  >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
echo "requests: $(sqlite3 "file:$data/konfid.db?mode=ro" "SELECT count(*), sum(open) FROM requests") (all, open);" \
  "overdue now: $(curl -sf "http://127.0.0.1:$port/metrics" -H "Authorization: Bearer $KONFID_KEY" |
    awk '/^konfid_requests_overdue\{/ {n += $2} END {print n}')"
# name|connections|script|KONFID_QUERY or KONFID_PATH
scenarios=(
  "access reply, JSON|1|access_reply.lua|"
  "access reply, JSON|8|access_reply.lua|"
  "access reply, ?format=html&lang=ru|1|access_reply.lua|?format=html&lang=ru"
  "access reply, ?format=html&lang=ru|8|access_reply.lua|?format=html&lang=ru"
  "queue, ?limit=50 (first page)|1|path.lua|/v1/requests?limit=50"
  "queue, ?limit=50&after=(101st id from the end)|1|path.lua|/v1/requests?limit=50&after=$deep"
  "queue, ?overdue=true|1|path.lua|/v1/requests?overdue=true"
  "queue, ?kind=erasure&state=received|1|path.lua|/v1/requests?kind=erasure&state=received"
)
run() {  # name connections script arg seconds
  local c=$2 t=2
  [ "$c" -lt 2 ] && t=1
  local cpu0 cpu1 res
  cpu0=$(awk '{print $14 + $15}' "/proc/$server/stat")
  res=$(KONFID_QUERY=$4 KONFID_PATH=$4 timeout $(( $5 + 30 )) wrk -t "$t" -c "$c" -d "$5s" --latency \
        -s "bench/wrk/$3" "http://127.0.0.1:$port")
  cpu1=$(awk '{print $14 + $15}' "/proc/$server/stat")
  local n bad
  n=$(echo "$res" | awk '/requests in/ {print $1}')
  bad=$(echo "$res" | awk '/Non-2xx/ {print $5}')
  echo "$1|$c|$(echo "$res" | awk '/Requests\/sec/ {print $2}')|$(echo "$res" | awk '$1=="50%" {print $2}')|$(echo "$res" | awk '$1=="99%" {print $2}')|${bad:-0}|$(( (cpu1 - cpu0) * 1000000 / hz / n ))"
}
[ "$warmup" -gt 0 ] && run "warm-up" 8 access_reply.lua "" "$warmup" >/dev/null
echo "| scenario | connections | round | requests/s | p50 | p99 | non-2xx | server CPU/request |"
echo "|---|---|---|---|---|---|---|---|"
for round in $(seq "$rounds"); do
  for s in "${scenarios[@]}"; do
    IFS='|' read -r name c script arg <<< "$s"
    line=$(run "$name" "$c" "$script" "$arg" "$seconds")
    echo "$line" >> "$results"
    IFS='|' read -r n c rps p50 p99 bad cpu <<< "$line"
    echo "| $n | $c | $round | $rps | $p50 | $p99 | $bad | $cpu µs |"
  done
done
# Medians of the rounds (wrk's latencies carry units: us, ms, s).
python3 - "$results" <<'PY'
import sys, statistics
def us(v):
    for unit, f in (("us", 1), ("ms", 1e3), ("s", 1e6)):
        if v.endswith(unit): return float(v[: -len(unit)]) * f
    return float(v)
rows = {}
for line in open(sys.argv[1]):
    name, c, rps, p50, p99, bad, cpu = line.rstrip("\n").split("|")
    rows.setdefault((name, c), []).append((float(rps), us(p50), us(p99), int(cpu)))
print("\n| scenario | connections | requests/s, median (range) | p50, median | p99, median | server CPU/request, median |")
print("|---|---|---|---|---|---|")
fmt = lambda x: f"{x / 1000:.2f} ms" if x >= 1000 else f"{x:.0f} µs"
for (name, c), v in rows.items():
    r = [x[0] for x in v]
    print(f"| {name} | {c} | {statistics.median(r):,.0f} ({min(r):,.0f}–{max(r):,.0f}) | "
          f"{fmt(statistics.median(x[1] for x in v))} | {fmt(statistics.median(x[2] for x in v))} | "
          f"{statistics.median(x[3] for x in v):.0f} µs |")
PY
kill -TERM "$server"; wait "$server" || true; server=""
