"""The product vocabulary (services, problem types, site kinds, places) from `bot/data/vocabulary.yml`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml


class VocabularyError(ValueError):
    """The vocabulary file is malformed or maps one phrase to two canonical values."""


@dataclass(frozen=True)
class Vocabulary:
    services: dict[str, list[str]]
    problem_types: dict[str, list[str]]
    site_kinds: dict[str, list[str]]
    communities: list[str]
    landmarks: list[str]
    extra_places: list[str] = field(default_factory=list)
    # canonical service -> how it reads in a sentence ("提供法律援助"), see vocabulary.yml
    service_phrases: dict[str, str] = field(default_factory=dict)
    # Short replies by what they mean inside a form: acknowledge, decline, cancel, correction.
    replies: dict[str, list[str]] = field(default_factory=dict)

    def reply_kind(self, text: str) -> str | None:
        """Which kind of short reply the WHOLE of `text` is ("好的。" -> acknowledge), or None."""
        bare = _REPLY_NOISE.sub("", text).lower()
        return next((kind for kind, words in self.replies.items() if bare in words), None)

    def starts_with_reply(self, text: str, kind: str) -> str | None:
        """The longest `kind` word `text` starts with ("不对，是…" -> "不对"), or None."""
        bare = text.strip().lower()
        found = [w for w in self.replies.get(kind, []) if bare.startswith(w)]
        return max(found, key=len) if found else None

    def contains_reply(self, text: str, kind: str) -> bool:
        return any(word in text for word in self.replies.get(kind, []))

    def problem_type_in(self, text: str) -> str | None:
        """The problem type whose longest phrase occurs in `text` (a description), or None."""
        best: tuple[int, str] | None = None
        for canonical, synonyms in self.problem_types.items():
            for phrase in (canonical, *synonyms):
                if phrase in text and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), canonical)
        return best[1] if best else None

    def canonical_service(self, phrase: str) -> str | None:
        return _canonical(self.services, phrase)

    def service_phrase(self, canonical: str) -> str:
        """How `canonical` reads before 的 or after a site's name: 提供法律援助, 能歇脚, 有长者食堂."""
        # A service added without a phrase still reads as Chinese, if plainly.
        return self.service_phrases.get(canonical) or f"提供{canonical}服务"

    def canonical_problem_type(self, phrase: str) -> str | None:
        return _canonical(self.problem_types, phrase)

    def with_places(self, places: list[str]) -> Vocabulary:
        """A copy that also knows `places` (e.g. names from the site registry's gazetteer)."""
        known = set(self.communities) | set(self.landmarks) | set(self.extra_places)
        extra = list(self.extra_places) + [p for p in dict.fromkeys(places) if p not in known]
        return replace(self, extra_places=extra)

    def place_names(self) -> list[str]:
        return [*self.communities, *self.landmarks, *self.extra_places]

    def all_terms(self) -> list[str]:
        terms: list[str] = []
        for table in (self.services, self.problem_types, self.site_kinds):
            for canonical, synonyms in table.items():
                terms.append(canonical)
                terms.extend(synonyms)
        terms.extend(self.communities)
        terms.extend(self.landmarks)
        terms.extend(self.extra_places)
        return list(dict.fromkeys(t for t in terms if t.strip()))


_REPLY_NOISE = re.compile(r"[\s，。！？、,.!?~～…]+")


def _replies(raw: object) -> dict[str, list[str]]:
    """Reply words by kind; a word may have only one meaning (today "不用了" meant both
    "no phone number" and "cancel the report")."""
    if not isinstance(raw, dict):
        raise VocabularyError("'replies' must map kinds to lists of words")
    kinds: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for kind, words in raw.items():
        if not isinstance(words, list):
            raise VocabularyError(f"'replies.{kind}' must be a list of words")
        for word in words:
            word = str(word).lower()
            if word in seen:
                raise VocabularyError(f"'{word}' is in both replies.{seen[word]} and {kind}")
            seen[word] = str(kind)
        kinds[str(kind)] = [str(w).lower() for w in words]
    return kinds


def _canonical(table: dict[str, list[str]], phrase: str) -> str | None:
    phrase = phrase.strip()
    for canonical, synonyms in table.items():
        if phrase == canonical or phrase in synonyms:
            return canonical
    return None


def _table(raw: object, name: str) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise VocabularyError(f"'{name}' must map canonical values to lists of synonyms")
    table: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for canonical, synonyms in raw.items():
        synonyms = synonyms or []
        if not isinstance(canonical, str) or not isinstance(synonyms, list):
            raise VocabularyError(f"'{name}.{canonical}' must be a list of phrases")
        for phrase in [canonical, *synonyms]:
            phrase = str(phrase)
            if seen.get(phrase, canonical) != canonical:
                raise VocabularyError(
                    f"'{phrase}' maps to both '{seen[phrase]}' and '{canonical}' in '{name}'"
                )
            seen[phrase] = canonical
        table[canonical] = [str(s) for s in synonyms]
    return table


def _phrases(raw: object, services: dict[str, list[str]]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise VocabularyError("'service_phrases' must map canonical services to phrases")
    phrases: dict[str, str] = {}
    for canonical, phrase in raw.items():
        if canonical not in services:
            raise VocabularyError(f"'service_phrases.{canonical}' is not a service")
        if not isinstance(phrase, str) or not phrase.strip() or phrase != "".join(phrase.split()):
            raise VocabularyError(
                f"'service_phrases.{canonical}' must be one phrase without spaces"
            )
        if phrase.endswith("的"):
            # Templates add 的 where the sentence needs it; a second one would read 的的.
            raise VocabularyError(f"'service_phrases.{canonical}' must not end with 的")
        phrases[canonical] = phrase
    return phrases


def load_vocabulary(path: Path) -> Vocabulary:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VocabularyError(f"cannot read vocabulary file {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise VocabularyError(f"vocabulary file {path} must be a mapping")
    places = raw.get("places") or {}
    services = _table(raw.get("services"), "services")
    return Vocabulary(
        services=services,
        problem_types=_table(raw.get("problem_types"), "problem_types"),
        site_kinds=_table(raw.get("site_kinds") or {}, "site_kinds"),
        communities=[str(p) for p in places.get("communities", [])],
        landmarks=[str(p) for p in places.get("landmarks", [])],
        service_phrases=_phrases(raw.get("service_phrases") or {}, services),
        replies=_replies(raw.get("replies") or {}),
    )
