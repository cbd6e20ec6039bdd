"""`python -m jiamenkou_engine.launch run …`: `rasa run` with the secret kept off the command line
and every line the engine writes masked.

`rasa run` takes its API token only as `--auth-token X`, which `ps` shows to every local user.
The token comes from the environment instead and is added to the arguments inside this
process only (/proc/<pid>/cmdline keeps the original ones).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

TOKEN_VARIABLE = "JIAMENKOU_ENGINE_TOKEN"
# engine/jiamenkou_engine/launch.py -> <checkout>/bot/privacy.py (standard library only).
PRIVACY_FILE = Path(__file__).resolve().parents[2] / "bot" / "privacy.py"


def load_privacy() -> ModuleType:
    """The app's masking code, loaded by path: the engine environment has no `bot` package."""
    spec = importlib.util.spec_from_file_location("jiamenkou_privacy", PRIVACY_FILE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {PRIVACY_FILE}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and logging look classes up by module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        sys.stderr.write(f"{TOKEN_VARIABLE} is not set: refusing to run the engine open\n")
        raise SystemExit(2)
    # Before Rasa is imported: the handlers it makes then write to the masked streams.
    load_privacy().install_process_masking()
    sys.argv = ["rasa", *sys.argv[1:], "--auth-token", token]
    from rasa.__main__ import main as rasa_main

    from jiamenkou_engine import action_calls, collector, graph_runner, tracker_store

    action_calls.install()  # kept-alive connections, the domain once, a compiled schema
    tracker_store.install()  # SQLite: pooled connections, no fsync per commit in WAL mode
    tracker_store.install_kept_trackers()  # no replay of the whole session every turn
    graph_runner.install()  # the model's graph in an order worked out once, without dask
    collector.install()  # the loaded model frozen out of the garbage collector's full passes

    rasa_main()


if __name__ == "__main__":
    main()
