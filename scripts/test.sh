#!/usr/bin/env bash
# The README's test command: sets up whatever is missing, then lint, types and the whole suite.
# PostgreSQL and Redis tests run when TEST_POSTGRES_URL / TEST_REDIS_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "[test] ruff"
.venv/bin/ruff check bot actions tests bench
.venv/bin/ruff format --check bot actions tests bench
echo "[test] mypy"
.venv/bin/mypy
echo "[test] pytest"
.venv/bin/pytest "$@"
