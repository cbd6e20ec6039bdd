"""Turns what a resident or operator typed into a canonical service name from vocabulary.yml."""

from __future__ import annotations

from bot.sites.errors import UnknownService
from bot.vocabulary import Vocabulary


def resolve_service(vocabulary: Vocabulary, phrase: str) -> str:
    """The canonical name for `phrase` (a canonical name or a synonym); raises UnknownService."""
    canonical = vocabulary.canonical_service(phrase)
    if canonical is None:
        known = "、".join(vocabulary.services)
        raise UnknownService(f"unknown service '{phrase.strip()}'; known services: {known}")
    return canonical
