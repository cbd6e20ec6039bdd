"""What Rasa's data validator cannot know about this project, so that its output shows only
warnings that mean something.

Rasa counts a response as used only when a rule or story runs it; ours are mostly said by
custom actions (`dispatcher.utter_message(response=...)`) or asked by forms. Intents that only
bridges and buttons send (payloads) have no NLU examples on purpose: `engine/validation.yml`
lists them. Everything else the validator says is a real warning.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from bot.engine.project import RasaProject

UTTER = re.compile(r"^utter_[a-z0-9_]+$")


def uttered_by_actions(actions_dir: Path) -> set[str]:
    """Response names the custom actions say: any string literal that is a response name."""
    names: set[str] = set()
    for path in sorted(actions_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.update([node.value] if UTTER.match(node.value) else [])
    return names


def asked_by_forms(domain_dir: Path) -> set[str]:
    """The forms' questions: utter_ask_<slot> for each required slot."""
    names: set[str] = set()
    for path in sorted(domain_dir.glob("*.yml")):
        forms = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("forms") or {}
        for form in forms.values():
            names.update(f"utter_ask_{slot}" for slot in form.get("required_slots") or [])
    return names


def payload_only_intents(project: RasaProject) -> list[str]:
    spec = yaml.safe_load((project.root / "engine" / "validation.yml").read_text(encoding="utf-8"))
    return [str(intent) for intent in spec.get("payload_only_intents") or []]


def explained_warnings(project: RasaProject) -> list[str]:
    """The exact texts of the validator warnings this project explains."""
    responses = uttered_by_actions(project.root / "actions") | asked_by_forms(project.domain)
    texts = [f"The utterance '{name}' is not used in any story or rule." for name in responses]
    texts += [
        f"The intent '{intent}' is listed in the domain file, but is not found in the NLU "
        "training data."
        for intent in payload_only_intents(project)
    ]
    return sorted(texts)


# The train wrapper (engine/jiamenkou_engine/train.py) reads the texts from here.
EXPLAINED_VARIABLE = "JIAMENKOU_EXPLAINED_WARNINGS"


def explained_warnings_env(project: RasaProject) -> dict[str, str]:
    """The environment that tells `jiamenkou_engine.train` which warnings to leave out."""
    return {EXPLAINED_VARIABLE: "\x1f".join(explained_warnings(project))}
