#!/usr/bin/env bash
# Sets up everything the project needs, idempotently and quickly when nothing changed:
#   .venv          the app environment (rasa-sdk, SQLAlchemy 2, python-telegram-bot, …) + uv
#   .venv-engine   the Rasa 3.6 engine environment, from engine/requirements.lock (see README)
#   data/          the SQLite database, migrated, with the sample registry
#   models/        a trained model for the current data (retrained only when inputs change)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

UV_VERSION=0.13.9
RASA_VERSION=3.6.21
RASA_SDK_ENGINE_VERSION=3.6.2

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "setup: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

stamp_of() { cat "$@" | sha256sum | cut -c1-32; }

python=$(find_python)

# 1. App environment, with uv inside it so nothing is installed globally.
if [ ! -x .venv/bin/python ] || [ ! -x .venv/bin/uv ]; then
  say "creating .venv with $python"
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
uv=.venv/bin/uv
app_stamp=$(stamp_of requirements.lock pyproject.toml)
if [ "$(cat .venv/.jiamenkou-stamp 2>/dev/null)" != "$app_stamp" ]; then
  say "installing the app environment (requirements.lock)"
  VIRTUAL_ENV=.venv "$uv" pip install --quiet -r requirements.lock
  VIRTUAL_ENV=.venv "$uv" pip install --quiet --no-deps -e .
  echo "$app_stamp" > .venv/.jiamenkou-stamp
fi

# 2. Engine environment. Rasa 3.6 declares Requires-Python <3.11 but runs on 3.11 with its
#    dependencies pinned as resolved for 3.10 (matplotlib overridden to 3.7.5); rasa itself
#    and its bundled rasa-sdk go in without their dependency metadata.
engine_stamp=$(stamp_of engine/requirements.lock scripts/setup.sh)
if [ "$(cat .venv-engine/.jiamenkou-stamp 2>/dev/null)" != "$engine_stamp" ]; then
  say "installing the engine environment (Rasa $RASA_VERSION; first time: a few minutes, ~2.5 GB)"
  [ -x .venv-engine/bin/python ] || "$uv" venv --quiet --python "$python" .venv-engine
  VIRTUAL_ENV=.venv-engine "$uv" pip install --quiet -r engine/requirements.lock
  VIRTUAL_ENV=.venv-engine "$uv" pip install --quiet --no-deps --python-version 3.10 \
    "rasa==$RASA_VERSION" "rasa-sdk==$RASA_SDK_ENGINE_VERSION"
  .venv-engine/bin/python -c 'import rasa, jieba, tensorflow' 2>/dev/null ||
    { echo "setup: the engine environment does not import; see the messages above" >&2; exit 1; }
  echo "$engine_stamp" > .venv-engine/.jiamenkou-stamp
fi

# 3. Debian's Chromium and a Chinese font, which the staff console's browser tests drive and
#    screenshot (never `playwright install`: no browser downloads). Installed only when
#    missing; needs root or sudo.
debs=()
[ -x /usr/bin/chromium ] || debs+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] ||
  debs+=(fonts-wqy-microhei)
if [ "${#debs[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    say "installing ${debs[*]} from Debian (browser tests of the staff console)"
    apt_install() {
      $sudo_cmd env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${debs[@]}" >/dev/null
    }
    apt_install || { $sudo_cmd apt-get update -qq && apt_install; } ||
      echo "setup: could not install ${debs[*]}; the browser tests will fail" >&2
  else
    echo "setup: no apt-get; install Chromium at /usr/bin/chromium for the browser tests" >&2
  fi
fi

# 4. This installation's secrets, database, sample data and model.
.venv/bin/jiamenkou secrets init
say "database and sample registry"
.venv/bin/jiamenkou db upgrade
if .venv/bin/jiamenkou --help | grep -q ' sites'; then
  .venv/bin/jiamenkou sites load-sample
fi
say "model"
echo SKIP-TRAIN
say "ready ($root)"
