"""The folders of `bot/` import each other without cycles, and `bot/` never imports `actions/`.

A cycle between folders means neither can be understood, tested or moved without the other;
keeping the folder graph acyclic keeps each change in one obvious place. Nodes are the
top-level folders under `bot/` (`bot.sites`, `bot.nlu` …), single-file modules there
(`bot.config`, `bot.errors`, `bot.vocabulary` …) and `actions`. Every import counts, also
those inside functions (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator, Mapping
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "actions")

# node -> {imported node: the files that import it}
Graph = Mapping[str, Mapping[str, set[str]]]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def node_of(module: str) -> str | None:
    """The graph node a dotted module name belongs to; None outside our packages."""
    parts = module.split(".")
    if parts[0] == "actions":
        return "actions"
    if parts[0] != "bot":
        return None
    return ".".join(parts[:2])


def imported_modules(path: Path, known: set[str]) -> Iterator[str]:
    """Every module `path` imports, absolute; `from a import b` names `a.b` when b is one."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in known else base


def folder_graph(root: Path = ROOT) -> dict[str, dict[str, set[str]]]:
    files = [p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))]
    known = {module_name(p) for p in files}
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in files:
        source = node_of(module_name(path))
        assert source is not None
        for module in imported_modules(path, known):
            target = node_of(module)
            if target is not None and target not in (source, "bot"):
                graph[source][target].add(str(path.relative_to(root)))
    return graph


def find_cycles(graph: Graph) -> list[list[str]]:
    """One cycle through each strongly connected group of nodes (Tarjan), as a node path
    that starts and ends at the same node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, {})):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(graph, group) for group in groups]


def _cycle_in(graph: Graph, group: set[str]) -> list[str]:
    # Breadth-first from the group's first node back to itself, inside the group: the
    # shortest cycle, which is the one worth reading in a failure message.
    start = min(group)
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for target in sorted(graph.get(path[-1], {})):
            if target == start:
                return [*path, start]
            if target in group and target not in seen:
                seen.add(target)
                paths.append([*path, target])
    raise AssertionError(f"no cycle in {group}")  # Tarjan only groups nodes on a cycle


def describe(graph: Graph, cycle: list[str]) -> str:
    steps = [cycle[0]]
    for source, target in pairwise(cycle):
        steps.append(f"-> {target} ({', '.join(sorted(graph[source][target]))})")
    return " ".join(steps)


def test_no_import_cycles_between_folders_of_bot() -> None:
    graph = folder_graph()
    cycles = [describe(graph, cycle) for cycle in find_cycles(graph)]
    assert not cycles, "import cycles between folders:\n" + "\n".join(cycles)


def test_bot_never_imports_the_actions() -> None:
    graph = folder_graph()
    importers = {
        f
        for source, targets in graph.items()
        if source != "actions"
        for f in targets.get("actions", ())
    }
    assert not importers, f"bot/ imports actions/ in {sorted(importers)}"


def test_the_graph_sees_the_imports_it_must_see() -> None:
    # Guards the parser: if it stopped seeing imports, the two tests above would pass vacuously.
    graph = folder_graph()
    assert "bot/channels/relay.py" in graph["bot.channels"]["bot.engine"]
    assert "actions/sites.py" in graph["actions"]["bot.china_time"]  # `from bot import x`
    assert "bot.sites" in graph["bot.config"]  # imported inside a function


def test_a_cycle_is_found_and_named_with_the_files_that_make_it() -> None:
    graph = {
        "bot.a": {"bot.b": {"bot/a/x.py"}},
        "bot.b": {"bot.c": {"bot/b/y.py"}},
        "bot.c": {"bot.a": {"bot/c/z.py"}, "bot.d": {"bot/c/w.py"}},
        "bot.d": {},
    }
    [cycle] = find_cycles(graph)
    assert describe(graph, cycle) == (
        "bot.a -> bot.b (bot/a/x.py) -> bot.c (bot/b/y.py) -> bot.a (bot/c/z.py)"
    )
    assert find_cycles({"bot.a": {"bot.b": {"f"}}, "bot.b": {}}) == []
