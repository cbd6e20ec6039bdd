"""Ticket numbers as residents type them (gd000123, GD-000123, ＧＤ０００１２３) -> GD000123."""

from __future__ import annotations

import re
import unicodedata

from bot.db.tickets import NUMBER_PREFIX, format_number
from bot.tickets.errors import InvalidTicketNumber

# Prefix optional when the digits are clearly a ticket (6+ digits); separators are what phones
# and IMEs insert: dash, space, underscore, the Chinese 号 and full-width dashes (after NFKC).
_NUMBER = re.compile(rf"^(?:{NUMBER_PREFIX}[\s\-_#:：]*)?0*([1-9][0-9]*)$", re.IGNORECASE)
_IN_TEXT = re.compile(rf"{NUMBER_PREFIX}[\s\-_#:：]*([0-9]{{1,9}})", re.IGNORECASE)


def parse_number(text: str) -> int:
    """The ticket id behind a number a resident typed; raises InvalidTicketNumber."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("—", "-").replace("－", "-")
    match = _NUMBER.match(cleaned)
    if match is None:
        raise InvalidTicketNumber(f"'{text}' is not a ticket number; numbers look like GD000123")
    bare_digits = cleaned[:2].upper() != NUMBER_PREFIX
    if bare_digits and len(cleaned) < 6:
        # "123" alone is more likely a house number than a ticket; ask for the full number.
        raise InvalidTicketNumber(f"'{text}' is too short to be a ticket number")
    return int(match.group(1))


def normalize_number(text: str) -> str:
    """The canonical form GD000123 of a typed number."""
    return format_number(parse_number(text))


def find_number(text: str) -> str | None:
    """The first GD number mentioned inside a sentence (查一下GD-000123进度), canonical, or None."""
    match = _IN_TEXT.search(unicodedata.normalize("NFKC", text))
    return format_number(int(match.group(1))) if match and int(match.group(1)) else None
