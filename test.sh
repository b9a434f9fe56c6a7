#!/usr/bin/env bash
# Install what is missing and run the whole test suite (offscreen; no display needed).
# ZHILIAN_TEST_POSTGRES=1: after the SQLite pass, run the suite again on a throwaway
# PostgreSQL server on loopback (scripts/postgres.sh), as a multi-PC office would use it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
source "$ROOT/scripts/bootstrap.sh" test
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
PY="$ROOT/.venv/bin/python"
# Both cores by default (ZHILIAN_TEST_WORKERS=0 runs in one process, e.g. to debug).
set -- -n "${ZHILIAN_TEST_WORKERS:-2}" "$@"
if [ "${ZHILIAN_TEST_POSTGRES:-}" != 1 ]; then
    exec "$PY" -m pytest "$@"
fi

started=$SECONDS
echo "== 第一遍：SQLite =="
"$PY" -m pytest "$@"
echo "== SQLite 一遍用时 $((SECONDS - started)) 秒 =="

PGDIR="$(mktemp -d /tmp/zhilian-pg.XXXXXX)"
trap '"$ROOT/scripts/postgres.sh" stop "$PGDIR"' EXIT
started=$SECONDS
URL="$("$ROOT/scripts/postgres.sh" start "$PGDIR")"
echo "== 第二遍：PostgreSQL（$URL）=="
ZHILIAN_TEST_DB_URL="$URL" "$PY" -m pytest "$@"
echo "== PostgreSQL 一遍用时 $((SECONDS - started)) 秒（含启动服务器）=="
