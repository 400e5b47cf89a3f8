#!/usr/bin/env bash
# The latency of GET /v1/stats (docs/stats.md) on a large vault: BENCH_SUBJECTS subjects
# (default 1,000,000) seeded through the use case, BENCH_REQUESTS data-subject requests
# (default 125,000, each subject of theirs with a newsletter consent), and BENCH_EVENTS
# technical events (default 10,000,000) over the last 90 days, on BENCH_PAGES pages (default
# 200) from BENCH_VISITORS visitors (default 100,000). The events are written into the table
# as Konfid writes them (ids by arrival, visitors as 32-byte hashes, truncated addresses) by
# sqlite3, not through the API: their ingest rate is bench/events.sh's. Then each query runs
# STATS_REPEAT times (default 5) over loopback; the median and the range of its wall time.
#   bench/stats.sh [BUILD_DIR]
# SQLite only. Takes some minutes and a few GB in /tmp.
set -euo pipefail
build=${1:-build}
subjects=${BENCH_SUBJECTS:-1000000} requests=${BENCH_REQUESTS:-125000}
events=${BENCH_EVENTS:-10000000} pages=${BENCH_PAGES:-200} visitors=${BENCH_VISITORS:-100000}
repeat=${STATS_REPEAT:-5}
data=$(mktemp -d /tmp/konfid-stats-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
serve() {
  "$build/konfid" serve --data "$data" --config examples/konfid.toml --listen "127.0.0.1:$port" \
    >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
}
stop() { kill -TERM "$server"; wait "$server" || true; server=""; }

"$build/konfid" init --data "$data" --config examples/konfid.toml >/dev/null
t0=$(date +%s)
"$build/konfid-bench-seed" --data "$data" --config examples/konfid.toml --count "$subjects" 2>/dev/null
serve; stop  # stores the policy's first version: the seeded consents are signed over it
"$build/konfid-bench-seed" --data "$data" --config examples/konfid.toml --count 0 \
  --population "$subjects" --requests "$requests" 2>/dev/null
t1=$(date +%s)
python3 - "$data/konfid.db" "$events" "$pages" "$visitors" <<'PY'
import os, random, sqlite3, sys, time
db, n, pages, visitors = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(7)
hashes = [rng.randbytes(32) for _ in range(visitors)]
end_ms = int(time.time() * 1000)
start_ms = end_ms - 90 * 86_400_000
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
def rows():
    for i in range(n):
        ms = start_ms + (end_ms - start_ms) * i // n
        kind = "page_leave" if i % 4 == 3 else "page_view"
        necessary = i % 10 == 0
        yield ("demo", "%012x%020x" % (ms, i), ms * 1000, kind,
               "necessary" if necessary else "analytics",
               b"" if necessary else hashes[rng.randrange(visitors)],
               "https://demo.example/page/%d" % rng.randrange(pages), "https://yandex.ru",
               "Mozilla/5.0 (X11; Linux x86_64)", rng.randrange(1000, 120000) if kind == "page_leave" else 0,
               "203.0.113.0/24")
con.executemany("INSERT INTO tech_events VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows())
con.commit()
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
PY
t2=$(date +%s)
echo "seeded $subjects subjects and $requests requests in $((t1 - t0)) s; $events events in $((t2 - t1)) s;" \
  "database $(du -sh "$data" | cut -f1)"
key=$("$build/konfid" apikey create --data "$data" --tenant demo --role analyst | tail -n 1)
serve
queries=(
  "of=events&by=day"
  "of=events&by=page"
  "of=events&by=day,page"
  "of=events&by=day&from=$(date -u -d '-6 days' +%F)"
  "of=events&by=day,page&from=$(date -u -d '-89 days' +%F)"
  "of=subjects&by=month"
  "of=consents&by=purpose,state"
  "of=requests&by=kind,timeliness"
)
echo "| query | cells | suppressed | median | range |"
echo "|---|---:|---:|---:|---|"
for q in "${queries[@]}"; do
  times=()
  for _ in $(seq "$repeat"); do
    times+=("$(curl -sf -o "$data/answer.json" -w '%{time_total}' -H "Authorization: Bearer $key" \
      "http://127.0.0.1:$port/v1/stats?$q")")
  done
  read -r cells hidden < <(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print(len(a["cells"]), a["suppressed"])' "$data/answer.json")
  printf '%s\n' "${times[@]}" | sort -n | awk -v q="$q" -v c="$cells" -v h="$hidden" \
    '{a[NR]=$1} END {printf "| `%s` | %d | %d | %.0f ms | %.0f–%.0f ms |\n", q, c, h, a[int((NR+1)/2)]*1000, a[1]*1000, a[NR]*1000}'
done
stop
