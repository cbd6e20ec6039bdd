"""Adds one labelled example to the right file in `nlu_data/`, refusing duplicates and conflicts.

The file is edited as text, not re-dumped from YAML: the hand-written comments and order stay as
they are. Examples added by trainers go after the hand-written ones of their intent, sorted
among themselves, so the file stays tidy and every diff is one line.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.errors import AnnotationRefused, DataFileError
from bot.nlu.reader import Example, parse_annotated, read_nlu_file
from bot.nlu.similarity import normalise
from bot.nlu.training_data import load_examples, read_domain

_INTENT_LINE = re.compile(r"^- intent:\s*(?P<name>\S+)\s*$")
_EXAMPLE_LINE = re.compile(r"^(?P<indent>\s+)- (?P<text>.+?)\s*$")


@dataclass(frozen=True)
class Added:
    file: Path
    line: str  # as written, with [surface](entity) annotations
    example: Example


def clean_line(text: str) -> str:
    """One line of Rasa's list syntax: no line breaks, single spaces, no leading dash."""
    line = " ".join(text.split())
    return line.removeprefix("- ").strip()


def check_example(
    *, line: str, intent: str, nlu_dir: Path, domain_dir: Path, heldout: Path | None
) -> tuple[Example, Path]:
    """The parsed example and the file it belongs in; AnnotationRefused says why not."""
    if not line:
        raise AnnotationRefused("the example is empty")
    domain = read_domain(domain_dir)
    if intent not in domain.intents:
        raise AnnotationRefused(
            f"intent {intent!r} is not in the domain (engine/domain/); choose one of: "
            + ", ".join(sorted(domain.intents))
        )
    try:
        example = parse_annotated(line, intent)
    except DataFileError as exc:
        raise AnnotationRefused(str(exc)) from exc
    for span in example.entities:
        if span.entity not in domain.entities:
            raise AnnotationRefused(
                f"entity {span.entity!r} (on {span.text!r}) is not in the domain; known: "
                + ", ".join(sorted(domain.entities))
            )
    key = normalise(example.text)
    target: Path | None = None
    for located in load_examples(nlu_dir):
        if located.example.intent == intent and target is None:
            target = located.file
        if normalise(located.example.text) != key:
            continue
        where = located.file.relative_to(nlu_dir.parent)
        if located.example.intent == intent:
            raise AnnotationRefused(
                f"{example.text!r} is already an example of {intent} in {where}"
            )
        raise AnnotationRefused(
            f"{example.text!r} is already an example of {located.example.intent} in {where}; "
            f"one text cannot teach two intents (change that example first if it is wrong)"
        )
    if (
        heldout is not None
        and heldout.exists()
        and any(normalise(e.text) == key for e in read_nlu_file(heldout))
    ):
        raise AnnotationRefused(
            f"{example.text!r} is in the held-out test file {heldout.name}; training on it "
            "would make the evaluation meaningless"
        )
    if target is None:
        raise AnnotationRefused(
            f"intent {intent} has no examples in {nlu_dir.name}/ (a button-only intent?); "
            "add its first examples by hand"
        )
    return example, target


def add_example(
    *,
    text: str,
    intent: str,
    nlu_dir: Path,
    domain_dir: Path,
    heldout: Path | None,
    trainer_lines: frozenset[str] = frozenset(),
) -> Added:
    """Append the example to its intent's block. `trainer_lines` are the lines trainers added
    before (from the annotation table): they form the block's sorted tail."""
    line = clean_line(text)
    example, target = check_example(
        line=line, intent=intent, nlu_dir=nlu_dir, domain_dir=domain_dir, heldout=heldout
    )
    original = target.read_text(encoding="utf-8")
    updated = insert_line(original, intent=intent, line=line, trainer_lines=trainer_lines)
    _replace(target, updated)
    try:
        read_nlu_file(target)  # the file must still be valid Rasa NLU YAML
    except DataFileError:
        _replace(target, original)
        raise
    return Added(target, line, example)


def insert_line(source: str, *, intent: str, line: str, trainer_lines: frozenset[str]) -> str:
    lines = source.splitlines()
    start = next(
        (
            i
            for i, raw in enumerate(lines)
            if (m := _INTENT_LINE.match(raw)) and m["name"] == intent
        ),
        None,
    )
    if start is None:
        raise DataFileError(f"no `- intent: {intent}` block found")
    block: list[int] = []
    indent = "    "
    for i in range(start + 1, len(lines)):
        raw = lines[i]
        if _INTENT_LINE.match(raw) or (raw and not raw[0].isspace()):
            break
        match = _EXAMPLE_LINE.match(raw)
        if match:
            block.append(i)
            indent = match["indent"]
    if not block:
        raise DataFileError(f"the `{intent}` block has no `examples: |` list")
    # Trainer-added examples are the tail of the block; keep that tail in sorted order.
    position = block[-1] + 1
    for i in reversed(block):
        current = lines[i].strip().removeprefix("- ").strip()
        if current not in trainer_lines or current < line:
            break
        position = i
    lines.insert(position, f"{indent}- {line}")
    return "\n".join(lines) + "\n"


def _replace(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder: never a half-written data file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
