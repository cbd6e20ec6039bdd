"""Checks every channel applies to a resident's text before it reaches the engine."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.channels import messages


@dataclass(frozen=True)
class GuardResult:
    text: str | None  # cleaned text to send on, or None when the reply below is the answer
    reply: str | None = None


def guard_text(raw: str, *, max_chars: int) -> GuardResult:
    """Normalise the text; answer empty or over-long messages politely without the engine."""
    # NFKC folds full-width letters/digits (ＧＤ０００１２３) so regexes and the model see one form;
    # control characters (other than whitespace) are noise from copy-paste.
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    text = " ".join(text.split())
    if not text:
        return GuardResult(None, messages.EMPTY_MESSAGE)
    if len(text) > max_chars:
        return GuardResult(None, messages.MESSAGE_TOO_LONG.format(max_chars=max_chars))
    return GuardResult(text)
