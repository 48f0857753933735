#!/usr/bin/env bash
# A PostgreSQL primary and its streaming replica on this machine, for the read-replica tests (core.replicas):
# its own primary (port 5441), never the shared one on 5432, and a hot standby (5442) made from it with
# `pg_basebackup -R`, so the replica is a real one fed by WAL streaming. Test-only settings (fsync off).
#   scripts/replica-cluster.sh start    make (first time) and start both; prints the two URLs
#   scripts/replica-cluster.sh stop     stop both
#   scripts/replica-cluster.sh status   exit 0 when both answer
#   scripts/replica-cluster.sh destroy  stop and remove the data
set -euo pipefail
ROOT=${REPLICA_CLUSTER_DIR:-/tmp/chuangwen-replica}
PRIMARY_PORT=${REPLICA_PRIMARY_PORT:-5441}
REPLICA_PORT=${REPLICA_STANDBY_PORT:-5442}
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

# PostgreSQL refuses to run as root: as root, run its tools as the postgres user.
as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ready() { "$BIN/pg_isready" -h 127.0.0.1 -p "$1" -q; }

make_primary() {
  as_pg "$BIN/initdb" -D "$ROOT/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # initdb's default pg_hba already trusts replication connections from 127.0.0.1.
  cat >>"$ROOT/primary/postgresql.conf" <<CONF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$ROOT'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 60
CONF
}

make_replica() {
  as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$ROOT/replica" -R -X stream -c fast
  echo "port = $REPLICA_PORT" | as_pg tee -a "$ROOT/replica/postgresql.conf" >/dev/null
}

start() {
  mkdir -p "$ROOT" && chmod 700 "$ROOT"
  [ "$(id -u)" = "0" ] && chown postgres: "$ROOT"
  [ -f "$ROOT/primary/PG_VERSION" ] || make_primary
  ready "$PRIMARY_PORT" || as_pg "$BIN/pg_ctl" -D "$ROOT/primary" -l "$ROOT/primary.log" -w start >/dev/null
  [ -f "$ROOT/replica/PG_VERSION" ] || make_replica
  ready "$REPLICA_PORT" || as_pg "$BIN/pg_ctl" -D "$ROOT/replica" -l "$ROOT/replica.log" -w start >/dev/null
  # The standby answers once it has caught up enough to accept read-only connections.
  for _ in $(seq 1 30); do ready "$REPLICA_PORT" && break; sleep 1; done
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/chuangwen"
  echo "DATABASE_REPLICA_URLS=postgres://postgres@127.0.0.1:$REPLICA_PORT/chuangwen"
}

stop() {
  for node in replica primary; do
    [ -f "$ROOT/$node/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$ROOT/$node" -m fast -w stop >/dev/null
  done
  return 0
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) ready "$PRIMARY_PORT" && ready "$REPLICA_PORT" ;;
  destroy) stop && rm -rf "$ROOT" ;;
  *) echo "usage: $0 start|stop|status|destroy" >&2; exit 2 ;;
esac
