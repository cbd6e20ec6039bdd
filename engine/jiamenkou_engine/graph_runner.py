"""Rasa's prediction graph run in a fixed order worked out once, instead of through dask.

Every parse and every action prediction runs part of the model's graph. Rasa 3.6's
`DaskGraphRunner.run` works out, on every call, the sub-graph the targets need, turns it into a
dask task graph and lets dask order and schedule it (dask's synchronous scheduler: one node
after another on the calling thread). The graph and its targets never change while a model
is loaded, so the order is computed once per (targets, inputs) and the nodes are called in it
directly: the same nodes, once each, with the same inputs, on the same thread. Scheduling was
about 2.5 ms of a turn's engine CPU (bench/RESULTS.md), more than some of the nodes it ran.

As with dask, an input a node needs that nothing provides reaches the node as its bare name
(the node then raises or warns as it does under dask), and a `RuntimeError` from a node becomes
Rasa's `GraphRunError`. `JIAMENKOU_ACTION_POOL=0` keeps dask (the benchmark's baseline).
"""

from __future__ import annotations

import os
from typing import Any

SWITCH_VARIABLE = "JIAMENKOU_ACTION_POOL"


def run_order(needs: dict[str, list[str]], targets: list[str]) -> list[str]:
    """The nodes `targets` depend on, each after everything it needs (depth-first)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        stack: list[tuple[str, bool]] = [(name, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in seen or node not in needs:
                continue
            seen.add(node)
            stack.append((node, True))
            for parent in reversed(needs[node]):
                if parent not in seen:
                    stack.append((parent, False))

    for target in targets:
        visit(target)
    return order


def install() -> bool:
    if os.environ.get(SWITCH_VARIABLE, "1") == "0":
        return False
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run(
        self: Any, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = list(targets) if targets else list(self._graph_schema.target_names)
        given = dict(inputs or {})
        plans = self.__dict__.setdefault("_jiamenkou_plans", {})
        key = (tuple(run_targets), tuple(sorted(given)))
        nodes = self._graph_schema.nodes
        for value in given.values():
            if isinstance(value, str) and value in nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none "
                    f"of the input names passed to the `run` method are the same as node "
                    f"names in the graph schema."
                )
        plan = plans.get(key)
        if plan is None:
            needs = {
                name: list(node.needs.values()) for name, node in nodes.items() if name not in given
            }
            plan = [(name, needs[name]) for name in run_order(needs, run_targets)]
            plans[key] = plan
        # An input stands for itself as (name, value), as it does in Rasa's dask graph.
        results: dict[str, Any] = {name: (name, value) for name, value in given.items()}
        try:
            for name, parents in plan:
                results[name] = self._instantiated_nodes[name](
                    *(results.get(parent, parent) for parent in parents)
                )
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(results.get(target, target) for target in run_targets)

    DaskGraphRunner.run = run
    return True
