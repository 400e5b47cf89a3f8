#!/usr/bin/env bash
# The shipped systemd unit is one systemd accepts: examples/systemd/konfid.service with its
# ExecStart pointed at the built binary, checked by `systemd-analyze verify`.
set -euo pipefail
unit=$1 binary=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/local/bin/konfid|$binary|" "$unit" > "$dir/konfid.service"
out=$(cd "$dir" && systemd-analyze verify ./konfid.service 2>&1 || true)
# Units it names that this machine lacks (postgresql.service) are not the unit's fault.
problems=$(printf '%s\n' "$out" | grep -v -e '^$' -e 'postgresql.service' || true)
if [ -n "$problems" ]; then
  printf '%s\n' "$problems" >&2
  exit 1
fi
echo "konfid.service: ok"
