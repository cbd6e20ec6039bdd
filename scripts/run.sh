#!/usr/bin/env bash
# The README's run command: set up, then start the assistant on embedded defaults (SQLite,
# no credentials) and open the terminal chat. Ctrl-C or "再见" ends it and stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/jiamenkou up --chat
