#!/usr/bin/env bash
# The test suite under the sanitizers (make test-sanitize), each in a build directory of its
# own:
#   build-asan  AddressSanitizer + UndefinedBehaviorSanitizer (g++): every test of `make test`
#               (unit, contract on SQLite and PostgreSQL, end-to-end over HTTP)
#   build-tsan  ThreadSanitizer (g++): the tests that run threads — the group committer and
#               the other app tests, the periodic threads of core, the jobs' scheduler, the
#               SQLite WAL sync, the storage contract on SQLite (reader pool, checkpointer)
# Any sanitizer report stops the program it is in, so the test fails. Takes long: about an
# hour on 2 cores from cold (docs/benchmarks.md); not part of CI's `make test`.
#   tools/test-sanitize.sh [asan|tsan]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-$(nproc)}
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(asan tsan)

configure() {  # DIR SANITIZERS
  [ -f "$1/build.ninja" ] ||
    cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKONFID_SANITIZE="$2" >/dev/null
}

asan() {
  configure build-asan address,undefined
  cmake --build build-asan -j "$jobs"
  # detect_leaks: the e2e tests run the konfid binary; a leak at its exit fails them too.
  # One test is left out: it runs the server out of file descriptors on purpose, and UBSan's
  # vptr check needs a free descriptor to probe an object's memory (a pipe, in
  # sanitizer_common), so there every virtual call reports "invalid vptr ... memory cannot be
  # printed" and stops the server. make test runs it, unsanitized.
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    GTEST_FILTER=-ConnectionLimits.DescriptorExhaustionNeitherSpinsNorStarvesClients \
    ctest --output-on-failure -j "$jobs" --timeout 1800)
}

tsan() {
  configure build-tsan thread
  # Not the HTTP server: g++ 12 refuses Asio's atomic_thread_fence under TSan (-Wtsan).
  local tests=(konfid_app_test konfid_core_test konfid_jobs_test konfid_adapter_sqlite_test
    storage_contract_test)
  cmake --build build-tsan -j "$jobs" --target "${tests[@]}"
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  # Several rounds: a race shows only when the threads happen to interleave badly.
  local t
  for t in build-tsan/src/app/konfid_app_test build-tsan/src/core/konfid_core_test \
    build-tsan/src/jobs/konfid_jobs_test \
    build-tsan/src/adapters/storage/sqlite/konfid_adapter_sqlite_test \
    build-tsan/tests/contract/storage_contract_test; do
    echo "== ThreadSanitizer: $t"
    "$t" --gtest_repeat="${TSAN_REPEAT:-5}" --gtest_brief=1
  done
}

for step in "${steps[@]}"; do "$step"; done
echo "test-sanitize: ${steps[*]} passed"
