"""The loaded model frozen out of the collector's full passes (engine/jiamenkou_engine/collector.py),
run by the engine's own Python: what a model load leaves alive is frozen (its cycles survive a
full collection), the next load unfreezes and collects them, and the switch turns it off."""

from __future__ import annotations

from tests.helpers.engine_python import needs_engine_python, run_in_engine_python

pytestmark = needs_engine_python

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
print(json.dumps(out))
"""


def run(switch: str | None) -> dict[str, object]:
    return run_in_engine_python(SCRIPT, env={"JIAMENKOU_GC_FREEZE": switch})


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
