"""Booking numbers as residents type them (yy000123, YY-000123, ＹＹ０００１２３) -> YY000123."""

from __future__ import annotations

import re
import unicodedata

from bot.bookings.errors import InvalidBookingNumber
from bot.db.bookings import NUMBER_PREFIX, format_number

_NUMBER = re.compile(rf"^{NUMBER_PREFIX}[\s\-_#:：]*0*([1-9][0-9]{{0,8}})$", re.IGNORECASE)
_IN_TEXT = re.compile(rf"{NUMBER_PREFIX}[\s\-_#:：]*([0-9]{{1,9}})", re.IGNORECASE)


def parse_number(text: str) -> int:
    """The booking id behind a typed number; raises InvalidBookingNumber."""
    match = _NUMBER.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise InvalidBookingNumber(f"'{text}' is not a booking number; they look like YY000123")
    return int(match.group(1))


def find_number(text: str) -> str | None:
    """The first YY number inside a sentence (取消YY000123), canonical, or None."""
    match = _IN_TEXT.search(unicodedata.normalize("NFKC", text))
    return format_number(int(match.group(1))) if match and int(match.group(1)) else None
