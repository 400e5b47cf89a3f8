#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests that need one.
#   pg_cluster.sh start DIR   initdb in a new folder under /tmp, start it on a free loopback
#                             port, write its URL to DIR/url (and its folder to DIR/cluster)
#   pg_cluster.sh stop DIR    stop it and remove both
# initdb refuses to run as root; as root the cluster runs as Debian's `postgres` user. The
# cluster lives under /tmp so that user can reach it wherever the checkout is.
set -euo pipefail
cmd=$1 dir=$2
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "${bindir:-}/initdb" ] || { echo "PostgreSQL server binaries not found: run tools/install-deps.sh" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  if [ -f "$dir/cluster" ]; then
    local cluster
    cluster=$(cat "$dir/cluster")
    if [ -d "$cluster/data" ]; then as_owner "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$cluster"
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start)
    stop
    mkdir -p "$dir"
    cluster=$(mktemp -d /tmp/konfid-pg.XXXXXX)
    echo "$cluster" > "$dir/cluster"
    [ "$(id -u)" = 0 ] && chown postgres "$cluster"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_owner "$bindir/initdb" -D "$cluster/data" -U konfid --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c max_connections=200" start >/dev/null \
      || { cat "$cluster/server.log" >&2; exit 1; }
    echo "postgres://konfid@127.0.0.1:$port/postgres" > "$dir/url"
    echo "PostgreSQL test cluster on 127.0.0.1:$port in $cluster"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
