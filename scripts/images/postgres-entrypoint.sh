#!/usr/bin/env bash
# The official postgres image's contract, in short: as root, own PGDATA and drop to the postgres user; on the
# first start (no PG_VERSION) initdb with POSTGRES_USER / POSTGRES_PASSWORD and create POSTGRES_DB; then exec
# the server (PID 1, so `docker stop` shuts it down cleanly).
set -euo pipefail
if [ $# -eq 0 ]; then set -- postgres; fi
if [ "$1" != postgres ]; then exec "$@"; fi
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "POSTGRES_PASSWORD is not set: refusing to create a database anyone on the network can open" >&2
    exit 1
  fi
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\";" |
      postgres --single -D "$PGDATA" -c listen_addresses='' -c unix_socket_directories=/var/run/postgresql postgres >/dev/null
  fi
  echo "initialized $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
fi
shift
exec postgres -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
