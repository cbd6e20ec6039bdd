"""Checks every channel applies to a resident's text before it reaches the engine."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.templates import bridges as messages

_FULLWIDTH_ALNUM = {
    code: code - 0xFEE0
    for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(start, end + 1)
}


# Rasa reads a message that starts with "/" as "/intent{entities}" and skips the NLU: a
# resident could set any slot (a photo URL, coordinates, a confirmation). Typed text loses its
# leading slashes (and the spaces between them); the rest is read as ordinary words.
_PAYLOAD_PREFIX = re.compile(r"^[\s/]+")


@dataclass(frozen=True)
class GuardResult:
    text: str | None  # cleaned text to send on, or None when the reply below is the answer
    reply: str | None = None


def guard_text(raw: str, *, max_chars: int) -> GuardResult:
    """Normalise the text; answer empty or over-long messages politely without the engine."""
    # Full-width letters and digits (ＧＤ０００１２３) become ASCII so regexes and the model see one
    # form; full-width punctuation (，。？) is how Chinese is written and stays. Control
    # characters (other than whitespace) are noise from copy-paste.
    text = raw.translate(_FULLWIDTH_ALNUM)
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    text = " ".join(text.split())
    text = neutralise_payload(text)
    if not text:
        return GuardResult(None, messages.EMPTY_MESSAGE)
    if len(text) > max_chars:
        return GuardResult(None, messages.MESSAGE_TOO_LONG.format(max_chars=max_chars))
    return GuardResult(text)


def neutralise_payload(text: str) -> str:
    """`text` without the leading "/" that would make the engine read it as a payload."""
    if text.startswith("/") or text[:1].isspace():
        return _PAYLOAD_PREFIX.sub("", text)
    return text
