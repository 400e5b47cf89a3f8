#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang-19 and runs each for a set time.
#   tools/fuzz.sh [SECONDS] [TARGET...]       (default: 20 s, every fuzz/*_fuzz.cc)
# Each target starts from the seeds in fuzz/corpus/<name>/ plus what earlier runs found
# ($FUZZ_BUILD/corpus/<name>/, kept out of the tree). A crash, a sanitizer report, a leak or a
# timeout fails the run and leaves its input in $FUZZ_BUILD/artifacts/<name>/; reproduce with
#   $FUZZ_BUILD/fuzz/<name>_fuzz <that file>
# and, once fixed, copy the input into fuzz/corpus/<name>/ as a regression.
# Environment: FUZZ_BUILD (build-fuzz), FUZZ_JOBS (targets at once, 2), JOBS (build jobs).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
build=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-2}

if [ ! -f "$build/build.ninja" ]; then
  CXX=clang++-19 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKONFID_FUZZ=ON -DKONFID_SANITIZE=address,undefined >/dev/null
fi
cmake --build "$build" --target konfid_fuzz -j "${JOBS:-$(nproc)}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/*_fuzz.cc; do
    n=$(basename "$f" _fuzz.cc)
    targets+=("$n")
  done
fi

mkdir -p "$build/logs"
run_one() {
  local name=$1 corpus="$build/corpus/$1" artifacts="$build/artifacts/$1/"
  mkdir -p "$corpus" "$artifacts"
  local start=$SECONDS
  local TIMEFORMAT="%U %S"
  local cpu
  if cpu=$({ time "$build/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=30 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" \
      "$corpus" "fuzz/corpus/$name" >"$build/logs/$name.log" 2>&1; } 2>&1); then
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/logs/$name.log")
    echo "$cpu" | awk -v n="$name" -v r="${runs:-?}" -v w=$((SECONDS - start)) \
      '{printf "fuzz %-15s ok      %4d s wall  %7.1f s CPU  %10s runs\n", n, w, $1 + $2, r}'
    return 0
  fi
  echo "fuzz $name FAILED: see $build/logs/$name.log and $artifacts"
  # What CI's log needs to reproduce the finding without the artifact: the error, the top of
  # the stack, anything printed on the way out, and the input itself (Base64, for small inputs).
  grep -m 16 -E "^==[0-9]+== ?ERROR|runtime error|terminate called|what\(\)|^ +#[0-5] |SUMMARY|Base64:|Test unit written" \
    "$build/logs/$name.log" || true
  return 1
}

passed=0 failed=0 running=0
for name in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    if wait -n; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    running=$((running - 1))
  fi
  run_one "$name" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  if wait -n; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  running=$((running - 1))
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
