#!/bin/sh
# Entrypoint of the PostgreSQL image stack.sh builds from this machine's own PostgreSQL when Docker
# Hub's cannot be pulled. It takes the same settings as Docker Hub's image (PGDATA, POSTGRES_USER,
# POSTGRES_PASSWORD, POSTGRES_DB, then `postgres ARGS...`) and initialises the data folder once the
# same way: a superuser with a password, scram-sha-256 over TCP from anywhere (the port decides who
# can reach it), and the named database.
set -e
[ "$1" = postgres ] && shift
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\"" | postgres --single -D "$PGDATA" -c jit=off postgres >/dev/null
  fi
fi
# The socket goes where this user can write; clients here connect over TCP.
exec postgres -D "$PGDATA" -c unix_socket_directories=/tmp "$@"
