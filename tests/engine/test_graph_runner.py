"""The graph runner without dask (engine/jiamenkou_engine/graph_runner.py): the same results as
Rasa's `DaskGraphRunner` on a small graph run by the engine's own Python, every needed node
once and no other, inputs and errors as dask passes them."""

from __future__ import annotations

import sys

from tests.helpers.engine_python import ROOT, needs_engine_python, run_in_engine_python

sys.path.insert(0, str(ROOT / "engine"))

from jiamenkou_engine.graph_runner import run_order  # standard library only

SCRIPT = """
import json, sys, tempfile
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

calls = []

class Step(GraphComponent):
    def __init__(self, config):
        self.config = config
    @classmethod
    def create(cls, config, model_storage, resource, execution_context, **kwargs):
        return cls(config)
    def run(self, **parts):
        calls.append(self.config["name"])
        if self.config["name"] == "broken" and parts.get("x") == "boom":
            raise RuntimeError("boom")
        return [self.config["name"], sorted(parts.items())]

def node(name, **needs):
    return SchemaNode(needs=needs, uses=Step, constructor_name="create", fn="run",
                      config={"name": name}, is_target=name in ("d", "lonely"))

schema = GraphSchema({
    "a": node("a", x="__in__"),
    "b": node("b", x="a"),
    "c": node("c", x="a", y="b"),
    "d": node("d", x="c", y="b"),
    "lonely": node("lonely", x="__missing__"),
    "broken": node("broken", x="__in__"),
    "unused": node("unused", x="a"),
})

def run_all():
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    runner = DaskGraphRunner(schema, storage, ExecutionContext(schema, "m"))
    out = {}
    for targets in (["d"], ["d", "b"], ["a"]):
        calls.clear()
        out[",".join(targets)] = [runner.run(inputs={"__in__": 3}, targets=targets), list(calls)]
    try:  # an input nothing provides reaches the node as its name, which refuses it
        runner.run(inputs={}, targets=["lonely"])
        out["missing"] = None
    except Exception as e:
        out["missing"] = type(e).__name__
    try:
        runner.run(inputs={"__in__": "boom"}, targets=["broken"])
        out["error"] = None
    except Exception as e:
        out["error"] = type(e).__name__
    try:
        runner.run(inputs={"__in__": "a"}, targets=["d"])
        out["clash"] = None
    except Exception as e:
        out["clash"] = type(e).__name__
    return out

dask = run_all()
from jiamenkou_engine import graph_runner
installed = graph_runner.install()
ours = run_all()
print(json.dumps({"installed": installed, "dask": dask, "ours": ours}))
"""


@needs_engine_python
def test_the_same_results_as_dask_with_each_needed_node_once() -> None:
    result = run_in_engine_python(SCRIPT)
    assert result["installed"] is True
    dask, ours = result["dask"], result["ours"]
    for key in ("d", "d,b", "a"):
        assert ours[key][0] == dask[key][0], key
        assert sorted(ours[key][1]) == sorted(dask[key][1]), key  # each needed node once
    assert ours["d"][1].index("a") < ours["d"][1].index("b") < ours["d"][1].index("c")
    assert "unused" not in ours["d"][1] and "broken" not in ours["d"][1]
    assert ours["missing"] == dask["missing"] == "GraphRunError"
    assert ours["error"] == dask["error"] == "GraphComponentException"  # Rasa's wrapping
    assert ours["clash"] == dask["clash"] == "GraphRunError"


def test_run_order_puts_every_node_after_what_it_needs() -> None:
    needs = {"a": ["in"], "b": ["a"], "c": ["a", "b"], "d": ["c", "b"], "x": ["a"]}
    order = run_order(needs, ["d"])
    assert order == ["a", "b", "c", "d"]
    assert run_order(needs, ["x", "d"]) == ["a", "x", "b", "c", "d"]
    assert run_order(needs, ["in"]) == []  # an input is no node to run
