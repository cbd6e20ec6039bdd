"""`python -m jiamenkou_engine.train …`: `rasa train` without the validator warnings the project
has explained (bot/engine/validation.py), so that any other warning stands out.

Rasa resets the warning filters itself (`filterwarnings("once", UserWarning)` when its CLI
starts), which overrides PYTHONWARNINGS; the explained texts are added after that reset.
"""

from __future__ import annotations

import os
import re
import sys
import warnings

EXPLAINED_VARIABLE = "JIAMENKOU_EXPLAINED_WARNINGS"
SEPARATOR = "\x1f"


def main() -> None:
    import rasa.utils.common as common
    from rasa.__main__ import main as rasa_main

    original = common._filter_warnings
    explained = [t for t in os.environ.get(EXPLAINED_VARIABLE, "").split(SEPARATOR) if t]

    def filter_warnings(log_level: int | None, warn_only_once: bool = True) -> None:
        original(log_level, warn_only_once)
        for text in explained:
            warnings.filterwarnings("ignore", message=re.escape(text), category=UserWarning)

    common._filter_warnings = filter_warnings
    sys.argv = ["rasa", "train", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
