"""The project's NLU training data as files: who holds which intent, and what the domain allows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.errors import DataFileError
from bot.nlu.reader import Example, read_nlu_file


@dataclass(frozen=True)
class Located:
    file: Path
    example: Example


def training_files(nlu_dir: Path) -> list[Path]:
    return sorted(nlu_dir.glob("*.yml"))


def load_examples(nlu_dir: Path) -> list[Located]:
    return [
        Located(path, example)
        for path in training_files(nlu_dir)
        for example in read_nlu_file(path, require_examples=False)
    ]


@dataclass(frozen=True)
class DomainNames:
    intents: list[str]
    entities: list[str]
    responses: list[str]
    actions: list[str]
    slots: list[str]


def read_domain(domain_dir: Path) -> DomainNames:
    intents: list[str] = []
    entities: list[str] = []
    responses: list[str] = []
    actions: list[str] = []
    slots: list[str] = []
    for path in sorted(domain_dir.glob("*.yml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DataFileError(f"{path} is not valid YAML: {exc}") from exc
        intents += [_name(i) for i in raw.get("intents") or []]
        entities += [_name(e) for e in raw.get("entities") or []]
        responses += list((raw.get("responses") or {}).keys())
        actions += [str(a) for a in raw.get("actions") or []]
        slots += list((raw.get("slots") or {}).keys())
    return DomainNames(intents, entities, responses, actions, slots)


def _name(item: object) -> str:
    # `- greet` or `- greet: {use_entities: []}`
    if isinstance(item, dict):
        return str(next(iter(item)))
    return str(item)
