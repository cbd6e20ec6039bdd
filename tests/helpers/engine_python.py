"""Running a short script with the engine's own Python (Rasa 3.6 lives only there), with the
project's `jiamenkou_engine` package importable; the script prints its result as JSON on its
last line."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = ROOT / ".venv-engine" / "bin" / "python"

needs_engine_python = pytest.mark.skipif(
    not ENGINE_PYTHON.exists(), reason="no engine environment (scripts/setup.sh)"
)


def run_in_engine_python(
    script: str, *args: str, env: Mapping[str, str | None] | None = None
) -> dict[str, Any]:
    """The script's JSON result; `env` adds variables to this process's (None removes one)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "engine"), "PYTHONWARNINGS": "ignore"}
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    done = subprocess.run(
        [str(ENGINE_PYTHON), "-c", script, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
