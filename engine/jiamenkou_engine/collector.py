"""The loaded model kept out of Python's cyclic garbage collector's full passes.

A loaded engine holds about 400,000 long-lived objects (Rasa, TensorFlow, scikit-learn and the
model's own), and every full (oldest-generation) collection walks all of them: about 150–300 ms
on this project's 2-core machine, during which the engine answers nobody. Turns keep objects
alive (the kept trackers' events), so full passes come every few seconds under load and show up
as the tail of the turn latency (bench/RESULTS.md). `gc.freeze()` right after a model is loaded
moves everything alive then into a generation the collector never scans; later objects are
collected as before. Reference counting still frees frozen objects, so only cycles among them
would outlive a model: before the next model is loaded they are unfrozen and collected once.
`JIAMENKOU_GC_FREEZE=0` switches this off (the benchmark's A/B).
"""

from __future__ import annotations

import gc
import os
from typing import Any

SWITCH_VARIABLE = "JIAMENKOU_GC_FREEZE"


def freeze_loaded() -> int:
    """Collect once, then freeze what is left; returns the number of objects frozen."""
    gc.unfreeze()  # the previous model's cycles are collectable again
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def install() -> bool:
    if os.environ.get(SWITCH_VARIABLE, "1") == "0":
        return False
    from rasa.core.agent import Agent

    original = Agent.load_model

    def load_model(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        freeze_loaded()

    Agent.load_model = load_model  # type: ignore[method-assign]
    return True
