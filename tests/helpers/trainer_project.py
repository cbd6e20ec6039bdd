"""A throwaway copy of the project's data for trainer tests: the checkout's `nlu_data/` is never
touched. Code (tokenizer, launcher) is linked; data, domain and config are copied."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def copy_data(home: Path) -> Path:
    """nlu_data/, engine/domain and engine/data, and the held-out file, under `home`."""
    shutil.copytree(ROOT / "nlu_data", home / "nlu_data")
    (home / "engine").mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "engine" / "domain", home / "engine" / "domain")
    shutil.copytree(ROOT / "engine" / "data", home / "engine" / "data")
    (home / "tests" / "data").mkdir(parents=True)
    shutil.copyfile(
        ROOT / "tests" / "data" / "nlu_heldout.yml", home / "tests" / "data" / "nlu_heldout.yml"
    )
    return home


def make_project(home: Path, *, diet_epochs: int = 20, ted_epochs: int = 5) -> Path:
    """A complete Rasa project under `home` that trains quickly (fewer epochs: these tests are
    about the workflow, not about quality) with the real engine environment."""
    copy_data(home)
    engine = home / "engine"
    for name in ("components", "jiamenkou_engine"):
        (engine / name).symlink_to(ROOT / "engine" / name, target_is_directory=True)
    for name in ("credentials.yml", "requirements.lock"):
        shutil.copyfile(ROOT / "engine" / name, engine / name)
    config = (ROOT / "engine" / "config.yml").read_text(encoding="utf-8")
    config = re.sub(r"(DIETClassifier\n(?:.*\n)*?\s+epochs:) \d+", rf"\1 {diet_epochs}", config)
    config = re.sub(r"(TEDPolicy\n(?:.*\n)*?\s+epochs:) \d+", rf"\1 {ted_epochs}", config)
    (engine / "config.yml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "build", home / "build")  # the generated jieba dictionary + lookups
    (home / ".venv-engine").symlink_to(ROOT / ".venv-engine", target_is_directory=True)
    return home
