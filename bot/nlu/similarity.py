"""Normalised text and character n-gram similarity, for grouping near-duplicate messages."""

from __future__ import annotations

import re
import unicodedata

# Punctuation, symbols and spaces carry no meaning for "is this the same message".
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, without punctuation or spaces."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def char_ngrams(text: str, n: int = 2) -> frozenset[str]:
    norm = normalise(text)
    if len(norm) < n:
        return frozenset({norm}) if norm else frozenset()
    return frozenset(norm[i : i + n] for i in range(len(norm) - n + 1))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams of the normalised texts (1.0: the same)."""
    grams_a, grams_b = char_ngrams(a), char_ngrams(b)
    if not grams_a or not grams_b:
        return 1.0 if normalise(a) == normalise(b) else 0.0
    return len(grams_a & grams_b) / len(grams_a | grams_b)
