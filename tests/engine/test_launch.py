"""The engine launcher (engine/jiamenkou_engine/launch.py), run by the engine's own Python:
it refuses to start without the token and masks whatever the process writes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = ROOT / ".venv-engine" / "bin" / "python"

pytestmark = pytest.mark.skipif(not ENGINE_PYTHON.exists(), reason="no engine environment")

# What Rasa does when an action fails: log a tracker with the resident's words, then raise.
SCRIPT = """
import logging, sys
from jiamenkou_engine.launch import load_privacy
load_privacy().install_process_masking()
logging.basicConfig(level=logging.INFO)
logging.getLogger("rasa.core.processor").error(
    "tracker %s", {"sender_id": "wechat:oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                   "text": "我的电话13812345678，住幸福里小区3栋2单元501室"})
print("POST /webhook?token=s3cret HTTP/1.1")
try:
    raise ValueError("phone 13812345678")
except ValueError:
    logging.getLogger("rasa").exception("action failed")
sys.stderr.write("partial line without newline 13812345678")
"""


def run_engine_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENGINE_PYTHON), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "engine"), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_everything_the_engine_process_writes_is_masked() -> None:
    done = run_engine_python(["-c", SCRIPT], {})
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for secret in ("13812345678", "3栋2单元501", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "s3cret"):
        assert secret not in output
    assert "138****5678" in output and "wechat:user#" in output and "?token=…" in output


def test_the_launcher_refuses_to_run_an_open_engine() -> None:
    done = run_engine_python(
        ["-m", "jiamenkou_engine.launch", "run"], {"JIAMENKOU_ENGINE_TOKEN": ""}
    )
    assert done.returncode == 2
    assert "JIAMENKOU_ENGINE_TOKEN" in done.stderr
