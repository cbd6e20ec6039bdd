"""Environment variables and command lines for processes run in the engine environment."""

from __future__ import annotations

import os
from pathlib import Path

from bot.engine.project import RasaProject

# Secrets reach child processes by environment, never on a command line `ps` shows.
ENGINE_TOKEN_VARIABLE = "JIAMENKOU_ENGINE_TOKEN"  # read by engine/jiamenkou_engine/
ACTION_TOKEN_VARIABLE = "JIAMENKOU_ACTION_TOKEN"  # read by bot.action_server
MASK_OUTPUT_VARIABLE = "JIAMENKOU_MASK_OUTPUT"  # `jiamenkou` masks its own stdout/stderr


def engine_env(project: RasaProject, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # The engine imports our custom tokenizer as `components.…` from engine/.
    env["PYTHONPATH"] = str(project.root / "engine")
    # No internet on our machines: telemetry would only time out.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    env["PYTHONWARNINGS"] = "ignore"
    # The app's virtualenv must not leak into the engine's interpreter.
    env.pop("VIRTUAL_ENV", None)
    if extra:
        env.update(extra)
    return env


def rasa_executable(project: RasaProject) -> Path:
    return project.engine_bin / "rasa"
