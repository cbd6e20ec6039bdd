"""Reads Rasa-format NLU YAML into plain examples (text, intent, entity spans)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.errors import DataFileError

# [surface](entity) | [surface](entity:value) | [surface]{"entity": "...", ...}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True)
class EntitySpan:
    entity: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: tuple[EntitySpan, ...]


def parse_annotated(line: str, intent: str) -> Example:
    plain: list[str] = []
    spans: list[EntitySpan] = []
    cursor = 0
    length = 0
    for match in _ANNOTATION.finditer(line):
        before = line[cursor : match.start()]
        plain.append(before)
        length += len(before)
        surface = match.group("text")
        if match.group("short"):
            entity = match.group("short").split(":", 1)[0].strip()
        else:
            try:
                entity = str(json.loads(match.group("json"))["entity"])
            except (ValueError, KeyError, TypeError) as exc:
                raise DataFileError(f"bad entity annotation {match.group(0)!r}") from exc
        spans.append(EntitySpan(entity, length, length + len(surface), surface))
        plain.append(surface)
        length += len(surface)
        cursor = match.end()
    plain.append(line[cursor:])
    return Example("".join(plain), intent, tuple(spans))


def read_nlu_file(path: Path, *, require_examples: bool = True) -> list[Example]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("nlu"), list):
        raise DataFileError(f"{path} has no `nlu:` list; expected Rasa NLU YAML")
    examples: list[Example] = []
    for number, block in enumerate(raw["nlu"], start=1):
        if not isinstance(block, dict) or "intent" not in block:
            continue  # synonyms, regexes and lookups carry no labelled examples
        text = block.get("examples")
        if not isinstance(text, str):
            raise DataFileError(f"{path}: item {number} ({block['intent']}) has no examples")
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append(parse_annotated(line[2:].strip(), str(block["intent"])))
    if require_examples and not examples:
        raise DataFileError(f"{path} contains no intent examples")
    return examples
