#!/usr/bin/env bash
# Installs what Konfid needs from Debian's packages. Idempotent: does nothing when all is
# there. Needs root (or sudo) only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-context1.81-dev
  libsodium-dev libsqlite3-dev sqlite3 libpq-dev postgresql libcurl4-openssl-dev libjemalloc-dev
  libphonenumber8 libprotobuf-dev libabsl-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  libkainjow-mustache-dev libcmark-dev libicu-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-aiosmtpd python3-yaml wrk curl clang-format
  # make fuzz and the fuzz runs of make test: libFuzzer and the sanitizers of clang 19 (the
  # default clang 14 cannot compile libstdc++ 12's std::expected under -std=c++23)
  clang-19 libclang-rt-19-dev
)

sudo_cmd=()
[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# libphonenumber's headers. Debian's libphonenumber-dev depends on Boost 1.74's -dev packages,
# which conflict with Boost 1.81's. When it is not installed, unpack the same Debian package
# into .deps/ and use its headers with the shared library from libphonenumber8.
if [ ! -f /usr/include/phonenumbers/phonenumberutil.h ] && [ ! -f .deps/phonenumber/usr/include/phonenumbers/phonenumberutil.h ]; then
  mkdir -p .deps/download
  (cd .deps/download && apt-get download libphonenumber-dev >/dev/null 2>&1) || {
    "${sudo_cmd[@]}" apt-get update -qq
    (cd .deps/download && apt-get download libphonenumber-dev)
  }
  dpkg-deb -x .deps/download/libphonenumber-dev_*.deb .deps/phonenumber
  rm -rf .deps/download
  echo "Unpacked libphonenumber-dev headers into .deps/phonenumber"
fi
