"""`rasa data validate` on the project's own data, in the engine environment: no warning that
the project has not explained (engine/validation.yml, or a response a custom action says)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.engine.environment import engine_env, rasa_executable
from bot.engine.project import RasaProject
from tests.engine.test_domain_responses import used_in_dialogue, uttered_by_actions

ROOT = Path(__file__).resolve().parents[2]
WARNING = re.compile(r"UserWarning: (?P<text>.+)")
UNUSED_RESPONSE = re.compile(
    r"^The utterance '(?P<name>utter_\w+)' is not used in any story or rule\.$"
)
UNTRAINED_INTENT = re.compile(
    r"^The intent '(?P<name>\w+)' is listed in the domain file, but is not found in the NLU "
    r"training data\.$"
)

pytestmark = pytest.mark.engine


def explained(warning: str, payload_only: set[str], action_responses: set[str]) -> bool:
    unused = UNUSED_RESPONSE.match(warning)
    if unused:
        return unused.group("name") in action_responses
    untrained = UNTRAINED_INTENT.match(warning)
    if untrained:
        return untrained.group("name") in payload_only
    return False


def validator_warnings() -> list[str]:
    project = RasaProject.from_settings(Settings(JIAMENKOU_HOME=ROOT))
    data = [str(path) for path in project.data_dirs if path.exists()]
    done = subprocess.run(
        [
            str(rasa_executable(project)),
            "data",
            "validate",
            "--domain",
            str(project.domain),
            "--config",
            str(project.config),
            "--data",
            *data,
        ],
        cwd=project.root / "engine",
        env=engine_env(project),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    output = done.stdout + done.stderr
    return [m.group("text").strip() for m in WARNING.finditer(output)]


@pytest.fixture(scope="module")
def warnings() -> list[str]:
    return validator_warnings()


def payload_only_intents() -> list[str]:
    spec = yaml.safe_load((ROOT / "engine" / "validation.yml").read_text(encoding="utf-8"))
    return list(spec["payload_only_intents"])


def test_rasa_data_validate_has_no_unexplained_warning(warnings: list[str]) -> None:
    payload_only = set(payload_only_intents())
    action_responses = uttered_by_actions() | used_in_dialogue()  # incl. form questions
    unexplained = [w for w in warnings if not explained(w, payload_only, action_responses)]
    assert not unexplained, "new validator warnings:\n" + "\n".join(unexplained)


def test_the_explanations_are_still_needed(warnings: list[str]) -> None:
    """An explanation that no longer matches any warning is stale: remove it."""
    for intent in payload_only_intents():
        assert any(f"'{intent}' is listed in the domain" in w for w in warnings), intent
