#!/usr/bin/env bash
# The layer check must fail where the order is broken: a copy of the repository's rules and
# modules, one file at a time made to break one rule, each run expected to fail naming it; and
# the untouched copy expected to pass.
#   tests/docs/check_layers_test.sh REPO
set -euo pipefail
repo=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/docs" "$work/src"
cp "$repo/docs/architecture.md" "$work/docs/"
(cd "$repo/src" && find . -type d) | (cd "$work/src" && xargs mkdir -p)
# One empty source per module folder is enough to make it a module.
(cd "$repo/src" && find . -name '*.h' -o -name '*.cc') | while read -r f; do : > "$work/src/$f"; done

check() {  # EXPECTED_STATUS PATTERN
  local out status=0
  out=$(python3 "$repo/tools/check-layers.py" "$work") || status=$?
  if [ "$status" != "$1" ] || ! grep -q -- "$2" <<<"$out"; then
    echo "FAIL: expected status $1 and '$2', got status $status:"; echo "$out"; exit 1
  fi
}

check 0 '0 violations'
echo '#include "adapters/storage/sqlite/sqlite_storage.h"' > "$work/src/domain/bad.cc"
check 1 'src/domain/bad.cc:1: domain may not include'
echo '#include "app/subjects.h"' > "$work/src/domain/bad.cc"
check 1 'domain may not include "app/subjects.h"'
echo '#include "adapters/crypto/sodium_crypto.h"' > "$work/src/adapters/storage/sqlite/bad.cc"
check 1 'adapters/storage/sqlite may not include "adapters/crypto/sodium_crypto.h"'
rm "$work/src/adapters/storage/sqlite/bad.cc"
printf '%s\n' '// system_clock::now() in a comment is fine' 'auto t = std::chrono::system_clock::now();' > "$work/src/domain/bad.cc"
check 1 'src/domain/bad.cc:2: reads the clock'
echo 'const char* v = std::getenv("HOME");' > "$work/src/app/bad_test.cc"
: > "$work/src/domain/bad.cc"
check 1 'src/app/bad_test.cc:1: reads the environment'
rm "$work/src/app/bad_test.cc"
echo '#include "adapters/storage/sqlite/sqlite_storage.h"' > "$work/src/app/fine_test.cc"
check 0 '0 violations'
echo "check_layers_test: 7 passed, 0 failed"
