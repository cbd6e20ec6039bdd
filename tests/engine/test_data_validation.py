"""`rasa data validate` on the project's own data, in the engine environment: no warning that
the project has not explained (bot/engine/validation.py), and no stale explanation."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine.environment import engine_env, rasa_executable
from bot.engine.project import RasaProject
from bot.engine.validation import explained_warnings, payload_only_intents

ROOT = Path(__file__).resolve().parents[2]
WARNING = re.compile(r"UserWarning: (?P<text>.+)")

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def project() -> RasaProject:
    return RasaProject.from_settings(Settings(JIAMENKOU_HOME=ROOT))


@pytest.fixture(scope="module")
def warnings(project: RasaProject) -> list[str]:
    data = [str(path) for path in project.data_dirs if path.exists()]
    done = subprocess.run(
        [str(rasa_executable(project)), "data", "validate", "--domain", str(project.domain),
         "--config", str(project.config), "--data", *data],
        cwd=project.root / "engine",
        env=engine_env(project),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [m.group("text").strip() for m in WARNING.finditer(done.stdout + done.stderr)]


def test_rasa_data_validate_has_no_unexplained_warning(
    project: RasaProject, warnings: list[str]
) -> None:
    explained = set(explained_warnings(project))
    unexplained = [w for w in warnings if w not in explained]
    assert not unexplained, "new validator warnings:\n" + "\n".join(unexplained)


def test_the_explanations_are_still_needed(project: RasaProject, warnings: list[str]) -> None:
    """A payload-only intent that got training examples no longer needs its entry."""
    for intent in payload_only_intents(project):
        assert any(f"'{intent}' is listed in the domain" in w for w in warnings), intent
