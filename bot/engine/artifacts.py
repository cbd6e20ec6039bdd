"""Writes the generated training artefacts: the jieba user dictionary and Rasa synonyms/lookups."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.vocabulary import Vocabulary

# A high frequency makes jieba keep a domain phrase whole (楼道路灯 must not become 楼/道路/灯).
_USERDICT_FREQ = 2000


def userdict_text(vocabulary: Vocabulary) -> str:
    lines = []
    for term in vocabulary.all_terms():
        # jieba's dictionary format is "word freq [tag]" split on spaces: a phrase with a space
        # cannot be expressed, and jieba would never produce it as one token anyway.
        if " " in term or "\t" in term:
            continue
        lines.append(f"{term} {_USERDICT_FREQ} n")
    return "\n".join(lines) + "\n"


def nlu_yaml(vocabulary: Vocabulary) -> str:
    nlu: list[dict[str, str]] = []
    for table in (vocabulary.services, vocabulary.problem_types):
        for canonical, synonyms in table.items():
            if synonyms:
                nlu.append({"synonym": canonical, "examples": _examples(synonyms)})
    lookups = {
        "service": _all_phrases(vocabulary.services),
        "problem_type": _all_phrases(vocabulary.problem_types),
        "community": vocabulary.communities,
        "place": vocabulary.landmarks + vocabulary.extra_places,
    }
    for name, phrases in lookups.items():
        if phrases:
            nlu.append({"lookup": name, "examples": _examples(phrases)})
    header = "# Generated from bot/data/vocabulary.yml by `jiamenkou train`; do not edit.\n"
    return header + yaml.safe_dump(
        {"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False, width=1000
    )


def _all_phrases(table: dict[str, list[str]]) -> list[str]:
    return list(dict.fromkeys(p for c, syn in table.items() for p in [c, *syn]))


def _examples(phrases: list[str]) -> str:
    return "".join(f"- {p}\n" for p in phrases)


def write_artifacts(vocabulary: Vocabulary, build_dir: Path) -> tuple[Path, Path]:
    """Write both artefacts, touching files only when their content changes (keeps hashes stable)."""
    userdict = build_dir / "jieba_userdict" / "userdict.txt"
    generated = build_dir / "nlu" / "vocabulary.yml"
    _write_if_changed(userdict, userdict_text(vocabulary))
    _write_if_changed(generated, nlu_yaml(vocabulary))
    return userdict, generated


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
