#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for the test suite's PostgreSQL pass.
#   scripts/postgres.sh start [DIR]   prints the server's URL (postgresql+psycopg://…)
#   scripts/postgres.sh stop  [DIR]   stops it and deletes DIR
# DIR defaults to /tmp/zhilian-pg; the port is the first free one from 55432 (PGPORT overrides).
# PostgreSQL refuses to run as root, so the server runs as the `postgres` system user.
set -euo pipefail
ACTION="${1:-}"
DIR="${2:-/tmp/zhilian-pg}"

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

pg_bin() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
        echo "安装 PostgreSQL …" >&2
        as_root apt-get update -qq >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        found="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi
    echo "$found"
}

# Runs a command as the postgres user (or as ourselves when we are not root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    local port="${PGPORT:-55432}"
    while ! port_free "$port"; do port=$((port + 1)); done
    echo "$port"
}

start() {
    local bin port
    bin="$(pg_bin)"
    stop_quietly
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    chmod 700 "$DIR"
    as_pg "$bin/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
        { cat "$DIR/initdb.log" >&2; exit 1; }
    port="$(free_port)"
    # fsync off: a throwaway server for tests, where speed matters and crashes do not.
    as_pg "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
    echo "$port" >"$DIR/port"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

stop_quietly() {
    local bin
    if [ -f "$DIR/data/postmaster.pid" ]; then
        bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
        as_pg "$bin/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
}

case "$ACTION" in
    start) start ;;
    stop) stop_quietly ;;
    *) echo "用法：$0 start|stop [目录]" >&2; exit 2 ;;
esac
