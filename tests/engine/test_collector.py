"""The loaded model frozen out of the collector's full passes (engine/jiamenkou_engine/collector.py),
run by the engine's own Python: what a model load leaves alive is frozen (its cycles survive a
full collection), the next load unfreezes and collects them, and the switch turns it off."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = ROOT / ".venv-engine" / "bin" / "python"

SCRIPT = """
import gc, json, weakref
from rasa.core.agent import Agent

class Model:
    pass

models = []

def fake_load_model(self, model_path, fingerprint=None):
    # A model with a reference cycle: once its owner lets go of it, only the cyclic
    # collector can free it, and only if it is not frozen.
    model = Model()
    model.itself = model
    models.append(weakref.ref(model))
    self.model = model

Agent.load_model = fake_load_model
from jiamenkou_engine import collector
installed = collector.install()
agent = Agent()
agent.load_model("first")
frozen = gc.get_freeze_count()
agent.model = None
gc.collect()
first_alive_after_collect = models[0]() is not None
agent.load_model("second")
out = {
    "installed": installed,
    "frozen": frozen,
    "first_alive_after_collect": first_alive_after_collect,
    "first_alive_after_next_load": models[0]() is not None,
}
print("RESULT " + json.dumps(out))
"""


def run(switch: str | None) -> dict[str, object]:
    if not ENGINE_PYTHON.exists():
        pytest.skip("the engine environment is not installed (scripts/setup.sh)")
    env = {key: value for key, value in os.environ.items() if key != "JIAMENKOU_GC_FREEZE"}
    if switch is not None:
        env["JIAMENKOU_GC_FREEZE"] = switch
    env["PYTHONPATH"] = str(ROOT / "engine")
    done = subprocess.run(
        [str(ENGINE_PYTHON), "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, object] = json.loads(line.removeprefix("RESULT "))
    return result


def test_a_loaded_model_is_frozen_until_the_next_load() -> None:
    result = run(None)
    assert result["installed"] is True
    assert isinstance(result["frozen"], int) and result["frozen"] > 10_000  # Rasa's own objects
    assert result["first_alive_after_collect"] is True
    assert result["first_alive_after_next_load"] is False


def test_switched_off_nothing_is_frozen() -> None:
    result = run("0")
    assert result["installed"] is False
    assert result["frozen"] == 0
    assert result["first_alive_after_collect"] is False
