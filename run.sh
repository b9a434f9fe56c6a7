#!/usr/bin/env bash
# Start Zhilian Desk on the embedded database (created on first start). Extra arguments are
# passed on, e.g. ./run.sh --db demo.db   or   ./run.sh demo --db demo.db
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
source "$ROOT/scripts/bootstrap.sh" ""
exec "$ROOT/.venv/bin/python" "$ROOT/main.py" "$@"
